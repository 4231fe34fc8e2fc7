package io.gtask.dashboard;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link CrossSiteRequestCheck} takes for the dashboard's own origin and what it refuses.
 */
class CrossSiteRequestCheckTests {

	private final CrossSiteRequestCheck check = new CrossSiteRequestCheck();

	@Test
	void sameOriginPassesWhateverTheSpellingOfItsDefaultPortAndCase() {
		assertThat(this.check.refusal(request("https", "ops.example", 443, "Origin", "https://OPS.example"))).isNull();
		assertThat(this.check.refusal(request("https", "ops.example", 443, "Origin", "https://ops.example:443")))
			.isNull();
		assertThat(this.check.refusal(request("http", "localhost", 8080, "Referer", "http://localhost:8080/gtask/#/dead")))
			.isNull();
		assertThat(this.check.refusal(request("http", "[::1]", 8080, "Origin", "http://[::1]:8080"))).isNull();
	}

	@Test
	void anotherSchemeHostOrPortIsRefusedNamingBoth() {
		assertThat(this.check.refusal(request("https", "ops.example", 443, "Origin", "http://ops.example")))
			.contains("origin http://ops.example (Origin header)", "own origin https://ops.example");
		assertThat(this.check.refusal(request("https", "ops.example", 443, "Origin", "https://ops.example.evil")))
			.contains("https://ops.example.evil");
		assertThat(this.check.refusal(request("http", "localhost", 8080, "Referer", "http://localhost:8081/")))
			.contains("origin http://localhost:8081 (Referer header)", "own origin http://localhost:8080");
	}

	@Test
	void originTakesPrecedenceOverReferer() {
		MockHttpServletRequest request = request("http", "localhost", 8080, "Origin", "http://other:8080");
		request.addHeader("Referer", "http://localhost:8080/gtask/");
		assertThat(this.check.refusal(request)).contains("origin http://other:8080");
	}

	@Test
	void unreadableOriginIsRefusedAsItWasSent() {
		assertThat(this.check.refusal(request("http", "localhost", 80, "Origin", "null"))).contains("origin null");
		assertThat(this.check.refusal(request("http", "localhost", 80, "Origin", "http://bad host")))
			.contains("origin http://bad host");
	}

	@Test
	void withoutTheHeaderEvenTheSameOriginIsRefused() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/gtask/api/queues/q/pause");
		request.addHeader("Origin", "http://localhost");
		assertThat(this.check.refusal(request)).contains("no X-GTask-Action header");
		request.addHeader("X-GTask-Action", "");
		assertThat(this.check.refusal(request)).contains("no X-GTask-Action header");
	}

	private static MockHttpServletRequest request(String scheme, String host, int port, String header, String value) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/gtask/api/queues/q/pause");
		request.setScheme(scheme);
		request.setServerName(host);
		request.setServerPort(port);
		request.addHeader(CrossSiteRequestCheck.HEADER, "dashboard");
		request.addHeader(header, value);
		return request;
	}

}
