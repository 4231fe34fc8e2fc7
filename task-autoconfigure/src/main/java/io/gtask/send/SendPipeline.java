package io.gtask.send;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gtask.backend.NewTask;
import io.gtask.broker.OutgoingTask;
import org.jspecify.annotations.Nullable;

/**
 * Writes the records and the messages of new tasks in one round trip, where the result backend
 * and the broker live on one connection that keeps the order of commands: each record is
 * written before its message, so a worker never sees a message without its record, and no
 * reply is waited for in between.
 * <p>
 * It is used only for tasks whose ids were generated for the send and that hold no uniqueness
 * key, whose records cannot exist already and whose messages are queued unconditionally;
 * caller-chosen ids and unique sends take the checked path, which waits for the record first.
 */
public interface SendPipeline {

	/**
	 * Write records and messages in one round trip, each record before its message.
	 * @param records the records, one per message, in the same order
	 * @param messages the messages
	 * @return a future of what Redis answered to each task, completed once it answered all of
	 * them; it fails if not every command was answered (no answer in time, a connection lost
	 * after the commands were written), and it is failed already when returned if nothing was
	 * written (the connection is down)
	 */
	CompletableFuture<List<Written>> write(List<NewTask> records, List<OutgoingTask> messages);

	/**
	 * What Redis answered for one task: an error reply means that command did nothing.
	 *
	 * @param recordRefused the error reply to writing the record, or {@code null} if it was
	 * written
	 * @param queueRefused the error reply to queueing the message, or {@code null} if it was
	 * queued; names keys of the wrong type where it can
	 */
	record Written(@Nullable Throwable recordRefused, @Nullable Throwable queueRefused) {
	}

}
