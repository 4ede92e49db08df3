package io.smsgw.routing;

import java.util.concurrent.atomic.LongAdder;

/** Per-account traffic as routing and billing see it, for management. */
final class AccountCounters {

   final LongAdder submitted = new LongAdder();
   final LongAdder unrouted = new LongAdder();
   final LongAdder delivered = new LongAdder();
   final LongAdder failed = new LongAdder();
   /** Billing records written to sms.billing (each final state's, billable or not). */
   final LongAdder billed = new LongAdder();
   /** Of those, the records with smsBillable true. */
   final LongAdder billable = new LongAdder();
   final LongAdder moRouted = new LongAdder();
   /** Final reports (counted in delivered or failed too) the submitter had not asked for: not sent to the account. */
   final LongAdder reportsNotRequested = new LongAdder();
}
