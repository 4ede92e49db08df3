package io.smsgw.core.contract;

import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * The consumer filters the SMPP and CMPP sessions read their account's queue {@code sms.sp.<account>} with, the one
 * place that defines them (docs/decisions.md, "Reports go to a session of the protocol their MT was submitted with").
 * <p>
 * An account may use both protocols, and an SMPP ESME may bind with 3.3 and 3.4, over sessions that all read the one
 * queue. A status report names its MT by the id its submitter got, in the submitting session's format (16 hex digits for
 * CMPP and SMPP 3.4, 8 for SMPP 3.3; a CMPP DELIVER carries only a 64-bit Msg_Id, an SMPP 3.3 deliver_sm at most 8
 * characters), so a report ({@code smsKind} DR) whose MT's {@code smsProtocol} is CMPP goes to CMPP sessions only, one
 * whose MT was SMPP 3.3 ({@code smsProtocolVersion} 3.3) to SMPP 3.3 sessions only, any other SMPP report (another or no
 * version) to SMPP 3.4 sessions only. Everything else goes to any of the account's sessions, as before: MO (whatever
 * protocol they came in by), messages without {@code smsKind} (read as MO) and reports without {@code smsProtocol} or
 * with another value (APP: an application's MT, or a report an application sends straight to the queue). A report
 * whose session is not bound waits on the queue, in its place, until one binds.
 * <p>
 * The broker evaluates a consumer's filter for each message it offers that consumer: each filter reads one or two
 * properties in its most common case (a report of the consumer's own protocol and version, an MO), with comparisons and
 * {@code IN} only (no {@code LIKE}, which is a regular expression). {@code smsKind} is matched in any letter case, as
 * the gateway reads it ({@link SmsKind#of}); {@code smsProtocol} and {@code smsProtocolVersion} exactly as the gateway
 * writes them, as routing reads them.
 */
public final class AccountQueueFilters {

   private static final String NOT_A_REPORT = "smsKind IS NULL OR smsKind NOT IN ('DR', 'dr', 'Dr', 'dR')";
   /** No protocol, or one that is neither acceptor's (APP): any session. */
   private static final String ANY_SESSION = "smsProtocol IS NULL OR smsProtocol NOT IN ('SMPP', 'CMPP')";

   /** What a CMPP session takes: everything but the reports of SMPP MT. */
   public static final String CMPP = "smsProtocol <> 'SMPP' OR smsProtocol IS NULL OR " + NOT_A_REPORT;

   /** What an SMPP 3.4 (or later) session takes: everything but the reports of CMPP and SMPP 3.3 MT. */
   public static final String SMPP_34 = "(smsProtocol = 'SMPP' AND (smsProtocolVersion <> '3.3' OR smsProtocolVersion IS NULL)) OR "
      + ANY_SESSION + " OR " + NOT_A_REPORT;

   /** What an SMPP 3.3 session takes: everything but the reports of CMPP and SMPP 3.4 MT. */
   public static final String SMPP_33 = "(smsProtocol = 'SMPP' AND smsProtocolVersion = '3.3') OR " + ANY_SESSION + " OR " + NOT_A_REPORT;

   private static final SimpleString CMPP_FILTER = SimpleString.of(CMPP);
   private static final SimpleString SMPP_34_FILTER = SimpleString.of(SMPP_34);
   private static final SimpleString SMPP_33_FILTER = SimpleString.of(SMPP_33);

   private AccountQueueFilters() {
   }

   /** The filter of a CMPP session's consumer. */
   public static SimpleString cmpp() {
      return CMPP_FILTER;
   }

   /** The filter of an SMPP receiver's or transceiver's consumer, by the version it bound with. */
   public static SimpleString smpp(boolean version34) {
      return version34 ? SMPP_34_FILTER : SMPP_33_FILTER;
   }
}
