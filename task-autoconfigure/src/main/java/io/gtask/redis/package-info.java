/**
 * Support shared by gtask's Redis broker and Redis result backend.
 */
@NullMarked
package io.gtask.redis;

import org.jspecify.annotations.NullMarked;
