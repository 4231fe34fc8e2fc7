/**
 * Redis implementation of the result backend SPI.
 */
@NullMarked
package io.gtask.backend.redis;

import org.jspecify.annotations.NullMarked;
