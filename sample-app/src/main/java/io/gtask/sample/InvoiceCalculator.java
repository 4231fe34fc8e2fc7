package io.gtask.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Totals invoices: an ordinary Spring bean that a task handler delegates to.
 */
@Component
public class InvoiceCalculator {

	private static final int PAYMENT_TERM_DAYS = 30;

	private final BigDecimal taxRate;

	InvoiceCalculator(@Value("${sample.invoice.tax-rate:0.20}") BigDecimal taxRate) {
		this.taxRate = taxRate;
	}

	/**
	 * Total an invoice.
	 * @param invoice the invoice
	 * @return its totals
	 * @throws IllegalArgumentException if the invoice has no lines or a line is invalid
	 */
	public InvoiceTotal total(Invoice invoice) {
		if (invoice.lines() == null || invoice.lines().isEmpty()) {
			throw new IllegalArgumentException("Invoice " + invoice.number() + " has no lines");
		}
		BigDecimal net = BigDecimal.ZERO;
		int items = 0;
		for (Invoice.Line line : invoice.lines()) {
			if (line.quantity() <= 0 || line.unitPrice() == null || line.unitPrice().signum() < 0) {
				throw new IllegalArgumentException("Invoice " + invoice.number() + " has an invalid line: " + line);
			}
			net = net.add(line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())));
			items += line.quantity();
		}
		net = net.setScale(2, RoundingMode.HALF_EVEN);
		BigDecimal tax = net.multiply(this.taxRate).setScale(2, RoundingMode.HALF_EVEN);
		return new InvoiceTotal(invoice.number(), invoice.customer(), items, net, tax, net.add(tax),
				invoice.issued().plusDays(PAYMENT_TERM_DAYS));
	}

}
