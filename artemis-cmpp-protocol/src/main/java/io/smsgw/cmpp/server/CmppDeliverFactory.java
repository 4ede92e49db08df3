package io.smsgw.cmpp.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntSupplier;

import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppConcatenation;
import io.smsgw.cmpp.codec.CmppTextCoding;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.concat.SarSegments;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.concat.UserDataHeader;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.receipt.ReportCodes;
import io.smsgw.core.text.SmsEncoding;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Builds the CMPP_DELIVER for a message waiting on an SP's queue: a status report (smsKind DR) becomes a
 * report DELIVER (Registered_Delivery 1, the 60/71-byte content) carrying the Msg_Id the SP got in
 * SUBMIT_RESP; anything else is an MO. An MO longer than one DELIVER carries (over 159 octets of ASCII, 140 of
 * UCS2 or binary) that is not already one segment of a long message goes as concatenated DELIVERs, as the FWD link
 * splits it ({@link CmppConcatenation}): TP_udhi 1 and a concatenation UDH whose reference comes from the smsId
 * ({@link SplitReference}), each part with a Msg_Id and a Sequence_Id of its own. DELIVER has no Pk_total/Pk_number.
 * A part of a longer message is never cut again: its text goes in a Msg_Fmt that holds it whole within the
 * specification's limits (159 octets of ASCII, 140 of UCS2 or GBK), over 140 only for an SP whose account takes it
 * ({@link CmppTextCoding#segment}), or it is dead-lettered. A message whose header only says it has one part is whole:
 * when no Msg_Fmt holds it in one DELIVER it is cut like any long MO (decision 102). Binary content goes as Msg_Fmt 4, 3 for SIM data (0xF6).
 * Msg_Ids come from the message ({@link DeliverMsgIds}): the same on every attempt. A report's Stat is its network code
 * when it has one (MB:xxxx for an SMSC refusal, {@link ReportCodes}), and its SMSC_sequence the SMSC's message id when
 * that is a number fitting a u32 ({@link ReportCodes#smscSequence}), else 0.
 */
final class CmppDeliverFactory {

   private final CmppVersion version;
   private final IntSupplier sequences;
   private final DeliverMsgIds msgIds;
   /** The account's {@code cmpp-deliver-over-140}: a part no Msg_Fmt holds within 140 octets may go in up to 255. */
   private final boolean over140;
   /** The acceptor's cmppTimeZone: status reports' Submit_time and Done_time are written in it. */
   private final ZoneId zone;

   /**
    * @param sequences   the connection's Sequence_Ids, for the parts after the first of a long MO
    * @param gatewayCode this gateway's code, for the Msg_Ids it makes
    * @param over140     whether the SP takes DELIVERs of Msg_Fmt 8 and 15 over 140 octets (its account's
    *                    {@code cmpp-deliver-over-140})
    */
   CmppDeliverFactory(CmppVersion version, IntSupplier sequences, int gatewayCode, boolean over140, ZoneId zone) {
      this.zone = zone;
      this.version = version;
      this.sequences = sequences;
      this.msgIds = new DeliverMsgIds(gatewayCode);
      this.over140 = over140;
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
      StatusReport report = new StatusReport(msgId, stat(m.string(SmsProperties.STATUS), m.string(SmsProperties.NETWORK_CODE)),
         CmppTimestamp.reportTime(submitted == null ? done : submitted), CmppTimestamp.reportTime(done),
         m.string(SmsProperties.SOURCE, ""), ReportCodes.smscSequence(m.string(SmsProperties.SMSC_MESSAGE_ID)));
      return Deliver.ofStatusReport(sequence, deliverMsgId, m.string(SmsProperties.DESTINATION, ""),
                                    m.string(SmsProperties.SERVICE_ID, ""), report, version);
   }

   /**
    * CMPP Stat is 7 characters: the network code of a final report (smsNetworkCode: MB:0011 for an SMSC refusal, MA:0000,
    * MC:0000, a FWD peer's code), else the receipt vocabulary, or a network code such as MB:0005 passed through.
    */
   static String stat(String status, String networkCode) {
      if (networkCode != null && ReportCodes.isNetworkCode(networkCode) && (status == null || DeliveryState.fromStat(status).isFinal())) {
         return networkCode;
      }
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
      // A segment sent with SAR TLVs has no UDH yet: CMPP carries concatenation in the UDH only.
      byte[] header = SarSegments.header(m);
      boolean segment = header != null || m.integer(SmsProperties.SEGMENT_TOTAL, 0) > 1;
      byte[] payload;
      int msgFmt;
      String text = null;
      int limit;
      if (m.hasTextBody()) {
         text = m.text("");
         // A part of a longer message cannot be cut again: it goes in a format that holds it whole within the
         // specification's limits (over them only for an SP that takes it, decisions 80 and 102), or is dead-lettered.
         CmppTextCoding.Encoded encoded = segment ? CmppTextCoding.segmentOf(m, text, header, over140) : null;
         if (segment && encoded == null) {
            if (!onePartMessage(m, header)) {
               throw new IllegalArgumentException("a part of a longer message (" + text.length() + " characters) fits no Msg_Fmt "
                  + (over140 ? "within " + CmppTextCoding.MAX_MSG_LENGTH + " octets"
                             : "within the specification's limits (159 octets ASCII, 140 UCS2 or GBK)") + " and cannot be cut again");
            }
            // Its header only says "1 part": the message is whole, and is cut below under a concatenation of its own.
            header = null;
            segment = false;
         }
         if (!segment) {
            encoded = CmppTextCoding.whole(text);
         }
         msgFmt = encoded.msgFmt();
         payload = encoded.octets();
         limit = segment ? CmppTextCoding.MAX_MSG_LENGTH : CmppCodec.maxContentLength(msgFmt);
      } else {
         payload = m.bytes();
         msgFmt = CmppTextCoding.binaryMsgFmt(m.integer(SmsProperties.DATA_CODING, SmsEncoding.BINARY.smppDataCoding()));
         limit = CmppCodec.maxContentLength(msgFmt);
      }
      byte[] content = header == null ? payload : CmppTextCoding.withHeader(header, payload);
      if (content.length <= limit) {
         return mo(m, sequence, msgIds.mo(m.message().getObjectProperty(SmsProperties.ID), m.message().getMessageID()),
                   header != null ? 1 : 0, msgFmt, content);
      }
      if (segment) {
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

   /** A message whose header is nothing but a concatenation of one part: whole, so it may be cut anew. */
   private static boolean onePartMessage(SmsMessageReader m, byte[] header) {
      return header != null && m.integer(SmsProperties.SEGMENT_TOTAL, 0) <= 1 && UserDataHeader.isOnePartConcatenation(header);
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
