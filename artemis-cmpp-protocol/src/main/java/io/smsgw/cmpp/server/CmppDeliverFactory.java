package io.smsgw.cmpp.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntSupplier;

import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppConcatenation;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.concat.SarSegments;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Builds the CMPP_DELIVER for a message waiting on an SP's queue: a status report (smsKind DR) becomes a
 * report DELIVER (Registered_Delivery 1, the 60/71-byte content) carrying the Msg_Id the SP got in
 * SUBMIT_RESP; anything else is an MO. An MO longer than one DELIVER carries (over 159 octets of ASCII, 140 of
 * UCS2 or binary) that is not already one segment of a long message goes as concatenated DELIVERs, as the FWD link
 * splits it ({@link CmppConcatenation}): TP_udhi 1 and a concatenation UDH whose reference comes from the smsId
 * ({@link SplitReference}), each part with a Msg_Id and a Sequence_Id of its own. DELIVER has no Pk_total/Pk_number.
 * Msg_Ids come from the message ({@link DeliverMsgIds}): the same on every attempt.
 */
final class CmppDeliverFactory {

   private static final int MSG_FMT_ASCII = 0;
   private static final int MSG_FMT_BINARY = 4;
   private static final int MSG_FMT_UCS2 = 8;

   private final CmppVersion version;
   private final IntSupplier sequences;
   private final DeliverMsgIds msgIds;
   private final ZoneId zone = ZoneId.systemDefault();

   /**
    * @param sequences   the connection's Sequence_Ids, for the parts after the first of a long MO
    * @param gatewayCode this gateway's code, for the Msg_Ids it makes
    */
   CmppDeliverFactory(CmppVersion version, IntSupplier sequences, int gatewayCode) {
      this.version = version;
      this.sequences = sequences;
      this.msgIds = new DeliverMsgIds(gatewayCode);
   }

   /**
    * The DELIVER for {@code message}, or the first of its parts, with {@code sequence}; the other parts of a long MO
    * are added to {@code furtherParts} in order.
    *
    * @throws IllegalArgumentException for a message no DELIVER can carry
    */
   Deliver create(ICoreMessage message, int sequence, List<Deliver> furtherParts) {
      SmsMessageReader m = new SmsMessageReader(message);
      return m.kind() == SmsKind.DR ? report(m, sequence, msgIds.single(message.getMessageID()))
         : mobileOriginated(m, sequence, furtherParts);
   }

   private Deliver report(SmsMessageReader m, int sequence, long deliverMsgId) {
      String smsId = m.string(SmsProperties.ID);
      OptionalLong parsed = smsId == null ? OptionalLong.empty() : CmppMsgId.parseHex(smsId);
      if (parsed.isEmpty()) {
         throw new IllegalArgumentException("status report without a CMPP Msg_Id in smsId: " + smsId);
      }
      long msgId = parsed.getAsLong();
      LocalDateTime done = time(m, SmsProperties.DONE_TIME);
      done = done == null ? LocalDateTime.ofInstant(Instant.ofEpochMilli(m.timestamp()), zone) : done;
      LocalDateTime submitted = time(m, SmsProperties.SUBMIT_TIME);
      StatusReport report = new StatusReport(msgId, stat(m.string(SmsProperties.STATUS)),
         CmppTimestamp.reportTime(submitted == null ? done : submitted), CmppTimestamp.reportTime(done),
         m.string(SmsProperties.SOURCE, ""), 0);
      return Deliver.ofStatusReport(sequence, deliverMsgId, m.string(SmsProperties.DESTINATION, ""),
                                    m.string(SmsProperties.SERVICE_ID, ""), report, version);
   }

   /** CMPP Stat is 7 characters: the receipt vocabulary, or a network code such as MB:0005 passed through. */
   private static String stat(String status) {
      if (status == null) {
         return DeliveryState.UNKNOWN.stat();
      }
      DeliveryState state = DeliveryState.fromStat(status);
      if (state != DeliveryState.UNKNOWN || status.equalsIgnoreCase("UNKNOWN")) {
         return state.stat();
      }
      return status.length() <= 7 ? status : DeliveryState.UNKNOWN.stat();
   }

   private Deliver mobileOriginated(SmsMessageReader m, int sequence, List<Deliver> furtherParts) {
      byte[] payload;
      int msgFmt;
      String text = null;
      if (m.hasTextBody()) {
         text = m.text("");
         boolean ascii = SmsText.canEncode(text, SmsEncoding.ASCII);
         msgFmt = ascii ? MSG_FMT_ASCII : MSG_FMT_UCS2;
         payload = SmsText.encode(text, ascii ? SmsEncoding.ASCII : SmsEncoding.UCS2);
      } else {
         payload = m.bytes();
         msgFmt = MSG_FMT_BINARY;
      }
      // A segment sent with SAR TLVs has no UDH yet: CMPP carries concatenation in the UDH only.
      SarSegments.UserData userData = SarSegments.userData(m, payload, CmppCodec.roomOf(msgFmt));
      byte[] content = userData.content();
      int limit = CmppCodec.maxContentLength(msgFmt);
      if (content.length <= limit) {
         return mo(m, sequence, msgIds.mo(m.message().getObjectProperty(SmsProperties.ID), m.message().getMessageID()),
                   userData.header() ? 1 : 0, msgFmt, content);
      }
      if (userData.header() || m.integer(SmsProperties.SEGMENT_TOTAL, 0) > 1) {
         // One segment already: splitting it again would nest concatenations no SP can join.
         throw new IllegalArgumentException(content.length + " octets do not fit one DELIVER (limit " + limit + ")");
      }
      int reference = SplitReference.of(m);
      List<byte[]> parts = text == null ? CmppConcatenation.parts(payload, reference) : CmppConcatenation.parts(text, msgFmt, reference);
      long brokerId = m.message().getMessageID();
      for (int i = 1; i < parts.size(); i++) {
         furtherParts.add(mo(m, sequences.getAsInt(), msgIds.part(brokerId, i, parts.size()), 1, msgFmt, parts.get(i)));
      }
      return mo(m, sequence, msgIds.part(brokerId, 0, parts.size()), 1, msgFmt, parts.get(0));
   }

   private static Deliver mo(SmsMessageReader m, int sequence, long deliverMsgId, int tpUdhi, int msgFmt, byte[] content) {
      return new Deliver(sequence, deliverMsgId, m.string(SmsProperties.DESTINATION, ""), m.string(SmsProperties.SERVICE_ID, ""),
                         m.integer(SmsProperties.PROTOCOL_ID, 0), tpUdhi, msgFmt, m.string(SmsProperties.SOURCE, ""),
                         0, 0, content, m.string(SmsProperties.LINK_ID, ""), "");
   }

   private LocalDateTime time(SmsMessageReader m, SimpleString name) {
      long millis = m.longValue(name, 0);
      return millis <= 0 ? null : LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone);
   }
}
