package io.gtask.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The sample's security: the dashboard under {@code /gtask} needs a signed-in user (form login
 * or HTTP Basic), and gtask lets users with role GTASK_VIEWER look and users with role
 * GTASK_ADMIN act ({@code gtask.dashboard.security.*}). The sample's own REST API and the
 * actuator stay open, so that the examples of the README work with curl; secure them too in a
 * real application.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SampleSecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, @Value("${gtask.dashboard.path:/gtask}") String path) {
		RequestMatcher dashboard = (request) -> {
			String uri = request.getRequestURI().substring(request.getContextPath().length());
			return uri.equals(path) || uri.startsWith(path + "/");
		};
		http.authorizeHttpRequests((requests) -> requests.requestMatchers(dashboard).authenticated().anyRequest().permitAll())
			.formLogin(Customizer.withDefaults())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(
					(request) -> dashboard.matches(request) && !"GET".equals(request.getMethod())));
		return http.build();
	}

	@Bean
	UserDetailsService users(@Value("${sample.users.viewer-password}") String viewerPassword,
			@Value("${sample.users.admin-password}") String adminPassword) {
		return new InMemoryUserDetailsManager(
				User.withUsername("viewer").password("{noop}" + viewerPassword).roles("GTASK_VIEWER").build(),
				User.withUsername("admin").password("{noop}" + adminPassword).roles("GTASK_ADMIN").build());
	}

}
