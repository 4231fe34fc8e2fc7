/**
 * Task counts over time shared by all instances, as the dashboard charts them.
 */
@NullMarked
package io.gtask.stats;

import org.jspecify.annotations.NullMarked;
