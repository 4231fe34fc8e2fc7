/**
 * Actuator support: the {@code gtask} health indicator and the {@code gtask} endpoint.
 */
@NullMarked
package io.gtask.actuate;

import org.jspecify.annotations.NullMarked;
