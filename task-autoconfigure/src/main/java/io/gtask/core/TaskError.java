package io.gtask.core;

/**
 * Why a task attempt failed: the exception type and its message.
 *
 * @param type the fully qualified name of the exception type
 * @param message the message, never {@code null} (empty when the exception had none)
 */
public record TaskError(String type, String message) {

	/**
	 * Describe a throwable.
	 * @param ex the exception
	 * @return the error
	 */
	public static TaskError of(Throwable ex) {
		String message = ex.getMessage();
		return new TaskError(ex.getClass().getName(), (message != null) ? message : "");
	}

	@Override
	public String toString() {
		return this.type + ": " + this.message;
	}

}
