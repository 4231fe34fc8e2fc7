package io.gtask.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Loads the Lua scripts that gtask keeps as {@code .lua} files beside its classes.
 * <p>
 * A script file may begin with documentation lines starting with {@code ---} (what its
 * {@code KEYS} and {@code ARGV} hold), which are not sent to Redis, and may take in shared
 * functions with a line {@code -- #include <path>}, a path relative to the file that is
 * replaced by that file's text. Line ends are always {@code \n}, so the text, and with it the
 * digest Redis knows the script by, is the same on every machine and in every build as long as
 * the files say the same.
 * <p>
 * The text is read once, into a {@link DefaultRedisScript} over a string: one over a
 * {@link org.springframework.scripting.support.ResourceScriptSource} would look at the file's
 * modification time each time its digest is asked for, which is every time it runs.
 */
public final class LuaScripts {

	private static final String DOC = "---";

	private static final String INCLUDE = "-- #include ";

	private LuaScripts() {
	}

	/**
	 * Load a script.
	 * @param <T> the type of its result
	 * @param anchor a class in the package whose folder holds the file
	 * @param name the file name, relative to that folder
	 * @param resultType the type of its result
	 * @return the script
	 * @throws IllegalStateException if the file or a file it includes cannot be read, or
	 * files include each other
	 */
	public static <T> DefaultRedisScript<T> load(Class<?> anchor, String name, Class<T> resultType) {
		return new DefaultRedisScript<>(text(new ClassPathResource(name, anchor)), resultType);
	}

	/**
	 * The text of a script as it is sent to Redis: without its documentation lines, with the
	 * files it includes in place.
	 * @param script the file
	 * @return the text
	 * @throws IllegalStateException if a file cannot be read or files include each other
	 */
	public static String text(Resource script) {
		return text(script, new ArrayDeque<>());
	}

	private static String text(Resource script, Deque<String> including) {
		String location = script.getDescription();
		if (including.contains(location)) {
			throw new IllegalStateException("Lua script " + location + " includes itself, through " + including);
		}
		including.push(location);
		String[] lines = read(script).split("\n", -1);
		StringBuilder text = new StringBuilder();
		int first = 0;
		while (first < lines.length - 1 && lines[first].startsWith(DOC)) {
			first++;
		}
		for (int i = first; i < lines.length; i++) {
			boolean lineEnd = i < lines.length - 1;
			if (lines[i].startsWith(INCLUDE)) {
				String included = text(relative(script, lines[i].substring(INCLUDE.length()).strip()), including);
				text.append(included);
				if (lineEnd && !included.endsWith("\n")) {
					text.append('\n');
				}
			}
			else {
				text.append(lines[i]);
				if (lineEnd) {
					text.append('\n');
				}
			}
		}
		including.pop();
		return text.toString();
	}

	private static Resource relative(Resource script, String path) {
		try {
			return script.createRelative(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot resolve '" + path + "' included by Lua script "
					+ script.getDescription(), ex);
		}
	}

	private static String read(Resource script) {
		try (InputStream in = script.getInputStream()) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			if (text.startsWith("\uFEFF")) {
				text = text.substring(1);
			}
			return text.replace("\r\n", "\n");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read Lua script " + script.getDescription(), ex);
		}
	}

}
