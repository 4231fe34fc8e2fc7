/**
 * The lifecycle of gtask's background components, and the scheduler their timers share.
 */
@NullMarked
package io.gtask.lifecycle;

import org.jspecify.annotations.NullMarked;
