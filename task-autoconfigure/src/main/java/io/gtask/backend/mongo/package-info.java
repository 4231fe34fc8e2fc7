/**
 * MongoDB implementation of the result backend SPI, on Spring Data MongoDB.
 */
@NullMarked
package io.gtask.backend.mongo;

import org.jspecify.annotations.NullMarked;
