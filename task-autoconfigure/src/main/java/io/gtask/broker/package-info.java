/**
 * Broker SPI: where task messages wait, are fetched, acknowledged and scheduled.
 */
@NullMarked
package io.gtask.broker;

import org.jspecify.annotations.NullMarked;
