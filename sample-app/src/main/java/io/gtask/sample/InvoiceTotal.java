package io.gtask.sample;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The totals of an {@link Invoice}, the result of the {@code invoice} task.
 *
 * @param number the invoice number
 * @param customer the customer
 * @param items the number of articles
 * @param net the sum of the lines
 * @param tax the tax on the net sum
 * @param gross the amount due
 * @param due the date payment is due
 */
public record InvoiceTotal(String number, String customer, int items, BigDecimal net, BigDecimal tax,
		BigDecimal gross, LocalDate due) {

}
