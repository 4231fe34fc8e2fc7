package io.gtask.autoconfigure;

/**
 * Result backend settings ({@code gtask.backend.*}); those of the JDBC backend are
 * {@link GTaskJdbcBackendProperties}.
 */
public class BackendProperties {

	/**
	 * Where task states and results are kept.
	 */
	private Type type = Type.REDIS;

	/**
	 * Whether to keep each task's arguments, as JSON text, with its state, so that looking
	 * a task up by id tells them, also after it finished.
	 */
	private boolean storeArguments = true;

	/**
	 * Number of the latest state changes kept in each task's history, with their times,
	 * attempts and errors. 0 keeps none.
	 */
	private int maxHistory = 50;

	private final Mongo mongo = new Mongo();

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public boolean isStoreArguments() {
		return this.storeArguments;
	}

	public void setStoreArguments(boolean storeArguments) {
		this.storeArguments = storeArguments;
	}

	public int getMaxHistory() {
		return this.maxHistory;
	}

	public void setMaxHistory(int maxHistory) {
		this.maxHistory = maxHistory;
	}

	public Mongo getMongo() {
		return this.mongo;
	}

	/**
	 * Kinds of result backend.
	 */
	public enum Type {

		/**
		 * One Redis hash per task, on the broker's Redis.
		 */
		REDIS,

		/**
		 * A table in the application's SQL database, through Spring JDBC.
		 */
		JDBC,

		/**
		 * A collection in the application's MongoDB, through Spring Data MongoDB.
		 */
		MONGO

	}

	/**
	 * MongoDB result backend settings; the connection itself is configured with
	 * {@code spring.mongodb.*}.
	 */
	public static class Mongo {

		/**
		 * Collection that holds one document per task.
		 */
		private String collection = "gtask_tasks";

		/**
		 * Whether to create the collection's indexes at startup: a TTL index on the expiry
		 * date and one on state and last change.
		 */
		private boolean createIndexes = true;

		public String getCollection() {
			return this.collection;
		}

		public void setCollection(String collection) {
			this.collection = collection;
		}

		public boolean isCreateIndexes() {
			return this.createIndexes;
		}

		public void setCreateIndexes(boolean createIndexes) {
			this.createIndexes = createIndexes;
		}

	}

}
