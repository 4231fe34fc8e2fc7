/**
 * Redis Streams implementation of the broker SPI.
 */
@NullMarked
package io.gtask.broker.redis;

import org.jspecify.annotations.NullMarked;
