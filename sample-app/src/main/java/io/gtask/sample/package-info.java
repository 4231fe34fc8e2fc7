/**
 * A runnable application that shows how to define, send and follow gtask tasks.
 */
@NullMarked
package io.gtask.sample;

import org.jspecify.annotations.NullMarked;
