package io.gtask.redis;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Scripts are read from {@code .lua} files as Redis must see them, the same on every machine.
 */
class LuaScriptsTests {

	@Test
	void documentationLinesAreLeftOutAndIncludedFilesTakenInWithUnixLineEnds() {
		assertThat(LuaScripts.text(new ClassPathResource("lua/main.lua", LuaScriptsTests.class)))
			.isEqualTo("local function add(a, b)\n  return a + b\nend\nreturn add(1, 2)\n");
	}

	@Test
	void aScriptIsKnownByTheDigestOfItsText() {
		DefaultRedisScript<Long> script = LuaScripts.load(LuaScriptsTests.class, "lua/main.lua", Long.class);
		assertThat(script.getResultType()).isEqualTo(Long.class);
		assertThat(script.getSha1()).isEqualTo(new DefaultRedisScript<>(
				"local function add(a, b)\n  return a + b\nend\nreturn add(1, 2)\n", Long.class).getSha1());
		assertThat(LuaScripts.load(LuaScriptsTests.class, "lua/main.lua", Long.class).getSha1())
			.isEqualTo(script.getSha1());
	}

	@Test
	void aScriptThatIncludesItselfIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> LuaScripts.load(LuaScriptsTests.class, "lua/loop.lua", Long.class))
			.withMessageContaining("loop.lua")
			.withMessageContaining("includes itself");
	}

	@Test
	void aMissingFileIsNamed() {
		assertThatIllegalStateException()
			.isThrownBy(() -> LuaScripts.load(LuaScriptsTests.class, "lua/broken.lua", Long.class))
			.withMessageContaining("missing.lua");
	}

}
