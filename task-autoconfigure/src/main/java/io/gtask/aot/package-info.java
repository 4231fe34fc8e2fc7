/**
 * Ahead-of-time processing and native images: the runtime hints of gtask and of the
 * application's {@link io.gtask.core.TaskHandler} methods.
 */
@NullMarked
package io.gtask.aot;

import org.jspecify.annotations.NullMarked;
