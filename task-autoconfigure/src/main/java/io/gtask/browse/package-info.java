/**
 * Browsing tasks by state: the index of recently ended tasks and the browser over it and the
 * queues.
 */
@NullMarked
package io.gtask.browse;

import org.jspecify.annotations.NullMarked;
