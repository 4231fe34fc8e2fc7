/**
 * Result backend SPI: task state, results and errors.
 */
@NullMarked
package io.gtask.backend;

import org.jspecify.annotations.NullMarked;
