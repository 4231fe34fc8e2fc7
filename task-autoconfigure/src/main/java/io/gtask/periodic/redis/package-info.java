/**
 * The Redis {@link io.gtask.periodic.PeriodicTickStore}.
 */
@NullMarked
package io.gtask.periodic.redis;

import org.jspecify.annotations.NullMarked;
