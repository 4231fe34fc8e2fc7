package io.gtask.sample;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * An invoice to total, sent as the single argument of the {@code invoice} task.
 *
 * @param number the invoice number
 * @param customer the customer
 * @param issued the issue date
 * @param lines the invoice lines
 */
public record Invoice(String number, String customer, LocalDate issued, List<Line> lines) {

	/**
	 * One line of an invoice.
	 *
	 * @param sku the article
	 * @param quantity how many were sold
	 * @param unitPrice the net price of one
	 */
	public record Line(String sku, int quantity, BigDecimal unitPrice) {

	}

}
