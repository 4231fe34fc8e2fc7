package io.gtask.broker.redis;

import java.util.Map;

import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's scripts change only on purpose: Redis knows a script by the digest of its text,
 * which instances of the previous version share while they are replaced one by one. Change a
 * digest here together with its script.
 */
class BrokerScriptsTests {

	@Test
	void scriptsHaveTheirKnownDigests() {
		Map<DefaultRedisScript<?>, String> digests = Map.ofEntries(
				entry(BrokerScripts.FETCH, "573257067737f6fad8225d6be43a7693059ebe76"),
				entry(BrokerScripts.ADMIT, "21cac235855589c911998c865791b9fbb5eccd39"),
				entry(BrokerScripts.DEFER, "a436fffe24e10cd6c900582e207065d4edbeeddc"),
				entry(BrokerScripts.ACK, "eacb1c5dfd220542d4222388590b4e1531387f42"),
				entry(BrokerScripts.RETRY_LATER, "120aff70a144ea536f9314d0869b6e583bd8743d"),
				entry(BrokerScripts.PROMOTE, "9ff651e057a268e81c87921f72ff2566f94c99f9"),
				entry(BrokerScripts.RECLAIM, "90b074ca4fb5461c78fbd84836a4b173f461b3e4"),
				entry(BrokerScripts.KEEP_ALIVE, "27f328ea82bba200e1aeedfdaa3a8c71b15a4869"),
				entry(BrokerScripts.RENEW_LEASES, "b33a24650be52343ab5807b8b36499ca288311f6"),
				entry(BrokerScripts.HAND_BACK, "046f826e62b8b72184cdc766d48eb302ce9bec23"),
				entry(BrokerScripts.DEAD_LETTER, "0f22f887f7e2067f489e47d01d53d6c3da5e1b70"),
				entry(BrokerScripts.REMOVE_DEAD_LETTER, "49477844fc85ec2e0c7180dc5c950fa5896e3f85"),
				entry(BrokerScripts.RESERVE_DEAD_LETTER, "f2edea9af0e030e0511fa065b2817f6087887b21"),
				entry(BrokerScripts.ENQUEUE_UNIQUE, "2b715022ee001c17ccd7009b20209352a3551773"),
				entry(BrokerScripts.ENQUEUE_TRACKED, "2ea1c0276e73c0099ee564d21ebced072ec70965"),
				entry(BrokerScripts.RELEASE_UNIQUE, "e5a212447e6ae33c5b92e0c862054e8ac229b69b"),
				entry(BrokerScripts.UNTRACK, "3ce3b756706644069c35c6d984bbaeb63d9e4b44"),
				entry(BrokerScripts.FORGET_CONSUMERS, "c28b789c92114b03b0217f4f51840e4efe9644e8"),
				entry(BrokerScripts.REVOKE, "b4cb5806b1fb729faaa695ca07d7d63a14626aee"),
				entry(BrokerScripts.INSPECT, "89e4dfd74c218a26a5785177dc2014cdf9f8ae24"),
				entry(BrokerScripts.PEEK, "162720974bceb91646edbe37bdb2014e7b96b1f9"),
				entry(BrokerScripts.ENQUEUE_GROUPED, "10552dbfa408e1ff16ccc2ca336665de85a2a997"),
				entry(BrokerScripts.RELEASE_GROUPS, "09b0a446bb47db8e6e3d66f3df4ff50530892a33"));
		// every changed digest at once, each with the start of its script
		SoftAssertions.assertSoftly((softly) -> digests.forEach((script, digest) -> softly.assertThat(script.getSha1())
			.as(script.getScriptAsString().lines().limit(3).collect(Collectors.joining(" / ")))
			.isEqualTo(digest)));
		assertThat(digests).hasSize(23);
	}

	@Test
	void scriptsAreSentWithoutTheirDocumentation() {
		assertThat(BrokerScripts.FETCH.getScriptAsString()).startsWith("local function split(member)")
			.doesNotContain("#include")
			.doesNotContain("--- ");
	}

}
