/**
 * JDBC implementation of the result backend SPI: one table in the application's SQL database.
 */
@NullMarked
package io.gtask.backend.jdbc;

import org.jspecify.annotations.NullMarked;
