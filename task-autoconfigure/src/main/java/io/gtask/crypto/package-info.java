/**
 * Encryption at rest of task arguments and results: the {@link io.gtask.crypto.KeyProvider} SPI
 * and the AES-GCM {@link io.gtask.crypto.PayloadCipher} that the message codec uses.
 */
@NullMarked
package io.gtask.crypto;

import org.jspecify.annotations.NullMarked;
