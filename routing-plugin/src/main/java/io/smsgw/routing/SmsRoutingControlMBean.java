package io.smsgw.routing;

/** Management view of routing and billing: routes, accounts and their counters; add or remove MT routes. */
public interface SmsRoutingControlMBean {

   /** MT routes as "prefix -> link:weight, link:weight". */
   String[] getMtRoutes();

   /** MO routes as "prefix -> account". */
   String[] getMoRoutes();

   String[] getAccounts();

   /**
    * {@link #getAccountCounters} by name: submitted, unrouted, delivered, failed, billed, moRouted, reportsNotRequested,
    * billable. Refused (IllegalArgumentException) for an account that is neither configured (see Accounts) nor
    * "(other accounts)" nor one a reload removed that still has counters.
    */
   java.util.Map<String, Long> accountCounters(String account);

   /**
    * {@link #getAccountUsage} by name: openSessions, maxSessions, quotaUsedToday, dailyQuota. Refused
    * (IllegalArgumentException) for an account that is not configured (see Accounts).
    */
   java.util.Map<String, Long> accountUsage(String account);

   /**
    * {@link #getAccountDeliveries} by name: moSent, reportsSent, redelivered, ok, throttled, rejected, invalid, other,
    * timedOut, waiting, inFlight, deadLetteredRefused, deadLetteredAttempts. Refused (IllegalArgumentException) for an
    * account that is not configured (see Accounts).
    */
   java.util.Map<String, Long> accountDeliveries(String account);

   /**
    * Final reports of the MT routed to an SMSC link (their smsLink), by state: DELIVRD, UNDELIV, EXPIRED, REJECTD,
    * DELETED, UNKNOWN. Each part counts once, in the state of its own report: the SMSC's receipts, and the reports the
    * gateway made for the link (a submit the SMSC refused, a record whose receipt never came, an MT that expired on the
    * link's queue), those of a peer gateway's MT, which go back to it, included. Counted once stored, in memory since
    * the broker started. "(other links)" counts reports naming a link not configured since the start. Refused
    * (IllegalArgumentException) for any other link.
    */
   java.util.Map<String, Long> linkOutcomes(String link);

   /**
    * Where an MT is, as JSON: {@code id} is the gateway's smsId (hex), a CMPP Msg_Id in decimal, or the message id
    * an SMSC gave for it. "found" lists each place: a queue (sms.mt, sms.smsc.&lt;link&gt;, sms.gw.&lt;code&gt;,
    * sms.route.pending, sms.expired; state "waiting", or "sending" while a link has taken it), a link whose SMSC
    * accepted it and whose receipt is awaited (its smscMessageId, the MT's submitTime, the part), its final state and
    * time; an empty list and a note when it is nowhere the gateway still knows (final states: the latest 262,144
    * reports since the start). Browses the queues (up to 100,000 messages), reads the correlation store; not for an
    * event loop.
    */
   String locate(String id) throws Exception;

   /** {@link #getCdrCounters} by name: recordsWritten, filesClosed, writeErrors. */
   java.util.Map<String, Long> cdrCounters();

   /**
    * Deprecated: {@link #accountCounters} gives the same values by name. Counters of one account: submitted, unrouted, delivered, failed, billed (the billing records written to
    * sms.billing, billable or not), moRouted, reportsNotRequested (final reports, also counted in delivered or failed,
    * that were not sent to the account because its MT's registered delivery asked for none in that state), billable
    * (of the records, those with smsBillable true). Each counts messages once they are stored: a send the journal
    * failed or that was rolled back, and a copy dropped as a duplicate, count nothing. Only configured accounts have
    * counters of their own; every other smsAccount (or none) counts under "(other accounts)". Refused, as
    * accountCounters is, for an account it does not know.
    */
   @Deprecated
   long[] getAccountCounters(String account);

   /**
    * Deprecated: {@link #accountUsage} gives the same values by name. One account's use of its limits now: open sessions (SMPP binds and CMPP connections), max-sessions, SMS parts
    * counted against today's daily-quota (every part to every recipient, as the quota counts), daily-quota (0 = unlimited; then nothing is counted and the use is 0).
    * Counted in memory: the quota's use restarts at 0 with the broker. Refused for an account that is not configured.
    */
   @Deprecated
   long[] getAccountUsage(String account);

   /**
    * Deprecated: {@link #accountDeliveries} gives the same values by name. What the gateway delivered to one account (SMPP deliver_sm, CMPP DELIVER; its SMPP and CMPP sessions together)
    * since the broker started, and what waits for it now: MO sent, reports sent, of those sent again (redelivered),
    * then how deliveries ended: acknowledged (ok), refused as throttled, rejected by the client's application, refused
    * as invalid, refused with another code, unanswered within the response timeout (timed out); last, from the
    * broker's queue sms.sp.&lt;account&gt;: messages on it now (waiting), and of those the ones delivered and not answered
    * yet (in flight); then deliveries whose message went to the dead-letter address, refused for good by the client
    * (SMPP ESME_RX_P_APPN, ESME_RX_R_APPN), and failed at the last of the address's max-delivery-attempts (indexes 11
    * and 12, appended after the others). A delivery is one message whatever the number of its parts; one the session's end cut short is
    * sent but not ended. Refused for an account that is not configured.
    */
   @Deprecated
   long[] getAccountDeliveries(String account);

   /** MO no route covered since the broker started, each parked on sms.mo.unrouted with a WARN (one per 10 s). */
   long getMoUnrouted();

   /**
    * Sends the MO waiting on sms.mo.unrouted through MO routing again, as if sent to sms.mo now: once a routes.mo prefix
    * added to sms-gateway.conf and reloaded covers them, or their account's queue is back. Each
    * leaves the queue in the transaction that stores it routed; one no route covers yet goes back there (not counted in
    * MoUnrouted again, no WARN). Moves what the queue holds when the call starts; returns and logs what it did.
    */
   String rerouteUnroutedMo() throws Exception;

   /**
    * Final reports sent to sms.dr.unrouted instead of their account's queue because the account no longer has the
    * protocol their MT was submitted with (a reload took SMPP or CMPP from it, or removed it): no session could ever
    * take them there (decision 164). Counted at routing and by the move after such a reload.
    */
   long getReportsWithoutSession();

   /**
    * The reports waiting on the account's queue by the kind of session that alone can take them: cmppReports,
    * smpp33Reports, smpp34Reports (those of MT submitted over CMPP, SMPP 3.3, SMPP 3.4); the sessions of each kind reading
    * the queue now: cmppSessions, smpp33Sessions, smpp34Sessions; and withoutSession, the waiting reports of a kind no
    * session is bound for now (an ESME that submitted over 3.3 and binds its receiver with 3.4 gets its receipts only
    * once it binds one with 3.3). Counts what the queue holds in memory (up to 100,000 messages browsed; a paging queue's
    * pages are not read). Refused (IllegalArgumentException) for an account that is not configured.
    */
   java.util.Map<String, Long> waitingReports(String account);

   long getIntermediateReports();

   /**
    * Final reports on MOs that came home here (an MO the FWD link could not carry, a peer's report on an MO) since the
    * broker started: counted and dropped, neither billed nor sent to an SP.
    */
   long getMoReports();

   /**
    * Deprecated: {@link #cdrCounters} gives the same values by name. The CDR file writer ({@code billing.cdr}) since the broker started: records written (forced to disk and
    * acknowledged), files closed (renamed to .csv), writes that failed (each retry counts); all 0 without the section.
    */
   @Deprecated
   long[] getCdrCounters();

   /**
    * MT refused since the broker started because the application that sent them (broker security on) named in
    * smsAccount no account its user may act for, or none.
    */
   long getApplicationMtRefused();

   /** MT and MO on sms.route.pending now, waiting for the tandem gateway's answer on their route. */
   long getMessagesWaitingForRoute();

   /** MT and MO that had to wait for their route since the broker started. */
   long getWaitedForRoute();

   /** MT and MO routed to another gateway's queue (sms.gw.&lt;code&gt;) since the broker started. */
   long getRoutedToGateways();

   /**
    * Adds or replaces an MT route: {@code links} is "link[:weight],link[:weight]". Until the next file reload. A prefix
    * is one route however it is written: "86138", "+86138" and "0086138" replace each other ("1" and "+1" do not).
    * Refused (IllegalArgumentException) by the file's rules: prefix digits, links configured and each named once,
    * weights from 1 to 1,000,000.
    */
   void addMtRoute(String prefix, String links);

   /** Removes an MT route, written in any of its forms ("86138" removes "+86138"); false if there was none. Until the next file reload. */
   boolean removeMtRoute(String prefix);

   /**
    * Re-reads sms-gateway.conf now, and the TLS store files of the SMSC links (a store replaced at the same path restarts
    * its link); returns the problems: the file's when it was not applied, or the SMSC links left running as they were
    * (a store that no longer loads) when the rest was; an empty string when all of it was applied.
    */
   String reload();

   /**
    * Queues of SMSC links (sms.smsc.&lt;link&gt;) and FWD peers (sms.gw.&lt;code&gt;) that hold messages while the
    * configuration has no such link or peer, as "queue: messages". Those of SMSC links are routed again at each start
    * and reload; what stays (partly accepted MT, see rerouteQueue) and peers' queues are for an operator.
    */
   String[] getQueuesWithoutLink();

   /**
    * Moves the MT waiting on sms.smsc.&lt;link&gt;, whose link the configuration no longer has, back through MT
    * routing: to the link a route names now, else the no-route report (UNDELIV 100). An MT an SMSC already accepted as a
    * whole (its correlation record exists) leaves the queue without being sent again; one accepted in part, and anything
    * that is not an MT, stays. Returns what it did. Refused for a configured link's queue and any other queue.
    */
   String rerouteQueue(String queue) throws Exception;

   /**
    * Fails over a configured SMSC link that is not bound: the MT waiting on sms.smsc.&lt;link&gt; go back through MT
    * routing, each to another link of the route that covers its number now that is up. What stays: MT whose route has
    * no other link up, MT an SMSC already accepted whole or in part (a correlation record: the link resolves them when it
    * binds again, and their receipts match there), anything that is not an MT, and the MT the link holds in its window.
    * Returns and logs what moved and what stayed. Refused (IllegalArgumentException) for a link sms-gateway.conf does not
    * have; (IllegalStateException) for a bound link, and when no other link their routes name is up (with the count of
    * the MT that would stay).
    */
   String failoverLink(String link) throws Exception;
}
