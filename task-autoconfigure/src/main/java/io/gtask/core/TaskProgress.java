package io.gtask.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How far a running task says it got, reported with {@link TaskContext#progress(double)}.
 *
 * @param fraction the part done, from 0 to 1
 * @param message what it is doing, or {@code null}
 * @param detail a small JSON value the handler added, as JSON text, or {@code null}
 * @param at when it was reported
 */
public record TaskProgress(double fraction, @Nullable String message, @Nullable String detail, Instant at) {

	/**
	 * The most characters of a progress message.
	 */
	public static final int MAX_MESSAGE_LENGTH = 1000;

	/**
	 * The most characters of the JSON text of a progress detail.
	 */
	public static final int MAX_DETAIL_LENGTH = 16 * 1024;

}
