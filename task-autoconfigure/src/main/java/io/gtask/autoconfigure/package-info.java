/**
 * Spring Boot auto-configuration for gtask.
 */
@NullMarked
package io.gtask.autoconfigure;

import org.jspecify.annotations.NullMarked;
