/**
 * The progress running tasks report: kept, read and followed.
 */
@NullMarked
package io.gtask.progress;

import org.jspecify.annotations.NullMarked;
