/**
 * The consumer container that fetches tasks and runs their handlers with timeout, retry and state tracking.
 */
@NullMarked
package io.gtask.worker;

import org.jspecify.annotations.NullMarked;
