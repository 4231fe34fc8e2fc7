/**
 * The Redis implementation of the worker registry.
 */
@NullMarked
package io.gtask.worker.redis;

import org.jspecify.annotations.NullMarked;
