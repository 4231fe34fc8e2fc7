/**
 * The default {@link io.gtask.core.TaskClient} implementation.
 */
@NullMarked
package io.gtask.client;

import org.jspecify.annotations.NullMarked;
