package io.smsgw.routing;

import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * One billing record as one CSV line (RFC 4180: fields with a comma, a quote or a line break quoted, quotes doubled,
 * lines ended by CRLF), columns in the fixed order of {@link #HEADER} (docs/links-routing-billing.md, "CDR files").
 * Appends to the caller's builder: no per-record formatter, pattern or intermediate string beyond the properties'
 * own text.
 */
final class CdrFormat {

   /** The record id's prefix for a per-segment (or single) record; a rolled-up record uses its duplicate id. */
   static final String RECORD_PREFIX = "bill:";

   private static final SimpleString[] COLUMNS = {
      BillingTransformer.RECORD_TIME, SmsProperties.ID, SmsProperties.ACCOUNT, SmsProperties.SERVICE_ID,
      SmsProperties.FEE_USER_TYPE, SmsProperties.FEE_TYPE, SmsProperties.FEE_CODE, SmsProperties.FEE_TERMINAL,
      SmsProperties.SOURCE, SmsProperties.DESTINATION, SmsProperties.SEGMENT_NUMBER, SmsProperties.SEGMENT_TOTAL,
      SmsProperties.SUBMIT_TIME, SmsProperties.DONE_TIME, SmsProperties.STATUS, SmsProperties.ERROR_CODE,
      BillingTransformer.BILLABLE, BillingTransformer.ROLLUP, SmsProperties.LINK, SmsProperties.ORIGIN_GATEWAY,
      // added later, so at the end: an SMPP MT's service_type (a CMPP Service_Id is smsServiceId)
      SmsProperties.SERVICE_TYPE,
      // the SMS a record of a text sent whole as message_payload stands for (empty: one SMS)
      SmsProperties.SMS_PARTS,
   };

   /** The first line of every file: the record id, then the billing properties by name. */
   static final String HEADER;

   static {
      StringBuilder header = new StringBuilder("recordId");
      for (SimpleString column : COLUMNS) {
         header.append(',').append(column);
      }
      HEADER = header.append("\r\n").toString();
   }

   private CdrFormat() {
   }

   /** Appends the record's line, CRLF included. */
   static void append(StringBuilder line, Message record) {
      recordId(line, record);
      for (SimpleString column : COLUMNS) {
         line.append(',');
         Object value = record.getObjectProperty(column);
         if (value != null) {
            field(line, value.toString());
         }
      }
      line.append('\r').append('\n');
   }

   /**
    * The same for every copy of one final state, whichever way its report came (a link's, an application's, a repeat
    * after a crash), so mediation drops a line written twice by it: {@code bill:<smsId>:<recipient>:<segment or 0>}; a
    * long message's rolled-up record has its own duplicate id ({@code rollup:...}).
    */
   private static void recordId(StringBuilder line, Message record) {
      if (Boolean.TRUE.equals(record.getObjectProperty(BillingTransformer.ROLLUP))) {
         Object id = record.getObjectProperty(Message.HDR_DUPLICATE_DETECTION_ID);
         if (id != null) {
            field(line, id.toString());
            return;
         }
      }
      int start = line.length();
      line.append(RECORD_PREFIX).append(record.getObjectProperty(SmsProperties.ID)).append(':')
         .append(record.getObjectProperty(SmsProperties.SOURCE)).append(':');
      Object segment = record.getObjectProperty(SmsProperties.SEGMENT_NUMBER);
      line.append(segment == null ? "0" : segment);
      quoteFrom(line, start);
   }

   /** Appends a value, quoted when it must be. */
   static void field(StringBuilder line, CharSequence value) {
      int start = line.length();
      line.append(value);
      quoteFrom(line, start);
   }

   /** Quotes what was appended from {@code start} if it holds a comma, a quote or a line break (rare: scanned, then fixed). */
   private static void quoteFrom(StringBuilder line, int start) {
      int end = line.length();
      boolean quote = false;
      for (int i = start; i < end; i++) {
         char c = line.charAt(i);
         if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
         }
      }
      if (!quote) {
         return;
      }
      for (int i = end - 1; i >= start; i--) {
         if (line.charAt(i) == '"') {
            line.insert(i, '"');
         }
      }
      line.insert(start, '"').append('"');
   }
}
