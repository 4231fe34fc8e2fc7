/**
 * Public API of gtask: the handler annotation, the task client, task states, results and errors, and the message envelope.
 */
@NullMarked
package io.gtask.core;

import org.jspecify.annotations.NullMarked;
