package io.smsgw.core.contract;

/**
 * The identity of one message's final state: smsId, recipient and segment (submit_multi shares one smsId
 * across recipients; a long message has a final state per segment). Report and billing deduplication are
 * keyed by it (docs/decisions.md, decisions 19 and 36).
 */
public final class ReportKeys {

   /**
    * Prefix of the duplicate id a report carries on {@code sms.dr} and towards the SP. A DR sent to
    * {@code sms.dr} with exactly {@link #reportDuplicateId} is checked there, once for its report and billing
    * copies together.
    */
   public static final String REPORT_PREFIX = "dr:";

   private ReportKeys() {
   }

   /**
    * @param smsId         the MT's smsId
    * @param recipient     the MT's recipient (the report's {@code smsSource})
    * @param segmentNumber the segment's number, or {@code null} (written as 0) for a single-part message
    */
   public static String key(String smsId, String recipient, Object segmentNumber) {
      return smsId + ':' + recipient + ':' + (segmentNumber == null ? "0" : segmentNumber.toString());
   }

   /** The duplicate id of a final report: one per final state, whoever sends it. */
   public static String reportDuplicateId(String smsId, String recipient, Object segmentNumber) {
      return REPORT_PREFIX + key(smsId, recipient, segmentNumber);
   }
}
