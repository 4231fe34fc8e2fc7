package io.gtask.backend.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

/**
 * {@link DataSourceScriptDatabaseInitializer} that creates the table of the
 * {@link JdbcResultBackend}, like Spring Batch's initializer of its tables. May be registered as
 * a bean to override auto-configuration.
 * <p>
 * The scripts name the table and its indexes with the default prefix {@code gtask_}; this
 * initializer runs them with the configured prefix in its place. The scripts create only what
 * is missing, so running them on every start is safe.
 */
public class JdbcResultBackendSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private static final Pattern DEFAULT_PREFIX = Pattern.compile("\\b" + JdbcResultBackend.DEFAULT_TABLE_PREFIX);

	private final String tablePrefix;

	/**
	 * Create an initializer.
	 * @param dataSource the database
	 * @param settings the initialization settings
	 * @param tablePrefix the prefix of the table name
	 * @see #getSettings(JdbcPlatform, DatabaseInitializationMode)
	 */
	public JdbcResultBackendSchemaInitializer(DataSource dataSource, DatabaseInitializationSettings settings,
			String tablePrefix) {
		super(dataSource, settings);
		this.tablePrefix = TaskTable.validPrefix(tablePrefix);
	}

	/**
	 * Settings that run the schema script of a platform.
	 * @param platform the kind of database
	 * @param mode when to run the script
	 * @return the settings
	 */
	public static DatabaseInitializationSettings getSettings(JdbcPlatform platform, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(platform.getSchemaLocation()));
		settings.setMode(mode);
		// the scripts are idempotent: a failure is a real one
		settings.setContinueOnError(false);
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> prefixed = new ArrayList<>();
		for (Resource script : scripts) {
			prefixed.add(withPrefix(script, encoding));
		}
		super.runScripts(new Scripts(prefixed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(StandardCharsets.UTF_8));
	}

	private Resource withPrefix(Resource script, Charset encoding) {
		try (InputStream in = script.getInputStream()) {
			String sql = new String(in.readAllBytes(), encoding);
			sql = DEFAULT_PREFIX.matcher(sql).replaceAll(Matcher.quoteReplacement(this.tablePrefix));
			return new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8), script.getDescription());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + script.getDescription(), ex);
		}
	}

}
