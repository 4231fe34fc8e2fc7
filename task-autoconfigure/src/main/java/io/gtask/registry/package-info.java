/**
 * Discovery of {@link io.gtask.core.TaskHandler} methods and the registry of task handlers.
 */
@NullMarked
package io.gtask.registry;

import org.jspecify.annotations.NullMarked;
