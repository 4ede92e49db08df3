package io.smsgw.cmpp.fwd;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.smsgw.broker.LogText;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppConcatenation;
import io.smsgw.cmpp.codec.CmppTextCoding;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.concat.ConcatPart;
import io.smsgw.core.concat.MalformedUdhException;
import io.smsgw.core.concat.SarSegments;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.concat.UserDataHeader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.receipt.ReportCodes;
import io.smsgw.core.text.DataCoding;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.core.time.SmppTime;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;

/**
 * Translates between contract messages (docs/message-contract.md) and CMPP_FWD, both directions, for one pair
 * of gateways. smsKind MT → Msg_Fwd_Type 0, MO → 1, a DR → 2 (report of an MT) or 3 (report of an MO, marked by
 * {@link #REPORT_OF} = "MO"); Msg_Id carries smsId (16 hex digits), NodesCount carries smsHops + 1. Report
 * content is the 60/71-octet status report (always 60 for an MO report, as the FWD table prescribes).
 */
public final class FwdMessageMapper {

   /** Marks a DR as the report of an MO (value "MO"); absent or anything else: the report of an MT. */
   public static final SimpleString REPORT_OF = SimpleString.of("smsReportOf");
   /** smsErrorCode of the report written when a message would exceed {@code gateway.max-hops}. */
   public static final String HOP_LIMIT_ERROR = "IB:0001";
   /** smsErrorCode of the report on an MT or MO whose smsId is no CMPP Msg_Id (as routing's, decision 49). */
   public static final String NO_MSG_ID_ERROR = "105";
   /**
    * smsErrorCode of the report on an MT or MO that FWD cannot carry for any other reason: a field wider than FWD's, a
    * numeric property that is no number, a segment with no room for its concatenation header, more than 255 parts.
    */
   public static final String NOT_CARRIED_ERROR = "106";
   /**
    * smsErrorCode of the report on one segment of a long MT or MO whose text fits one FWD in no Msg_Fmt (a 7-bit part
    * of 153 characters with a £ in it: 312 octets as UCS2, and GBK has no £); as the SMSC link reports such a segment.
    */
   public static final String NO_FITTING_CODING_ERROR = "108";

   private static final SimpleString PROTOCOL = SimpleString.of("CMPP");
   private static final String MO_REPORT = "MO";
   private static final int MSG_FMT_ASCII = CmppTextCoding.MSG_FMT_ASCII;
   private static final int MSG_SRC_WIDTH = 6;

   /** A message FWD cannot carry, with the smsErrorCode of the report its sender gets. */
   public static final class NotForwardable extends IllegalArgumentException {
      private final String errorCode;

      NotForwardable(String errorCode, String reason) {
         super(reason);
         this.errorCode = errorCode;
      }

      public String errorCode() {
         return errorCode;
      }
   }

   /** The smsErrorCode for the report on a message {@link #toFwds} refused with {@code refusal}. */
   public static String errorCode(RuntimeException refusal) {
      return refusal instanceof NotForwardable n ? n.errorCode() : NOT_CARRIED_ERROR;
   }

   private final String ownCode;
   private final String peerCode;
   private final CmppVersion version;
   private final SimpleString protocolVersion;
   private final ZoneId zone;

   /**
    * @param ownCode  this gateway's code (Source_Id of what it forwards)
    * @param peerCode the peer's code (Destination_Id)
    * @param version  the FWD layout of the connection (decides the MT report's length)
    * @param zone     the zone report times (YYMMDDHHMM) are written and read in
    */
   public FwdMessageMapper(String ownCode, String peerCode, CmppVersion version, ZoneId zone) {
      this.ownCode = ownCode;
      this.peerCode = peerCode;
      this.version = version;
      this.protocolVersion = SimpleString.of(version == CmppVersion.V30 ? "3.0" : "2.0");
      this.zone = zone;
   }

   /** This gateway's code: Source_Id of what it forwards, Destination_Id of what it accepts. */
   public String ownCode() {
      return ownCode;
   }

   /** NodesCount a FWD of this message carries: the gateways it has traversed so far plus this one. */
   public static int nodesCount(ICoreMessage message) {
      return new SmsMessageReader(message).integer(SmsProperties.HOPS, 0) + 1;
   }

   // ---------------------------------------------------------------- message → FWD

   /**
    * The one FWD for a message waiting on {@code sms.gw.<peer>}.
    *
    * @throws IllegalArgumentException for a message FWD cannot carry in one FWD (no smsId as 16 hex digits, content over
    *     {@link CmppCodec#maxContentLength}, fields wider than FWD's); the encoder rejects over-wide fields the same way
    */
   public Fwd toFwd(ICoreMessage message, int sequence) {
      return fwds(new SmsMessageReader(message), sequence, false).get(0);
   }

   /**
    * The FWDs for a message waiting on {@code sms.gw.<peer>}: one, or the concatenated parts of an MT or MO longer than
    * one FWD carries (over 159 octets of ASCII, 140 of UCS2 or binary) that is not already one segment of a long message.
    * Each part has Pk_total/Pk_number and a concatenation UDH (TP_udhi 1) sized for the handset, as the SMSC link splits a
    * long MT: text that GSM 7-bit holds is cut at 153 septets (an ASCII part is then at most 159 octets), other text at 67
    * UCS2 characters, binary data at 134 octets. The UDH reference comes from the whole Msg_Id ({@link SplitReference}), so
    * parts sent again (after a reconnect, a refusal or a restart) carry the header they had. The first FWD has {@code sequence}, the others
    * 0 until they are sent ({@link Fwd#withSequenceId}).
    *
    * @throws IllegalArgumentException for a message FWD cannot carry; {@link #errorCode} names the report's error code
    */
   public List<Fwd> toFwds(ICoreMessage message, int sequence) {
      return fwds(new SmsMessageReader(message), sequence, true);
   }

   private List<Fwd> fwds(SmsMessageReader m, int sequence, boolean split) {
      SmsKind kind = m.kind();
      long msgId = msgId(m);
      if (kind == SmsKind.DR) {
         boolean ofMo = MO_REPORT.equals(m.string(REPORT_OF));
         LocalDateTime done = time(m.longValue(SmsProperties.DONE_TIME, 0));
         done = done == null ? time(m.timestamp()) : done;
         LocalDateTime submitted = time(m.longValue(SmsProperties.SUBMIT_TIME, 0));
         StatusReport report = new StatusReport(msgId, stat(m.string(SmsProperties.STATUS), m.string(SmsProperties.NETWORK_CODE)),
            CmppTimestamp.reportTime(submitted == null ? done : submitted), CmppTimestamp.reportTime(done), m.string(SmsProperties.SOURCE, ""),
            ReportCodes.smscSequence(m.string(SmsProperties.SMSC_MESSAGE_ID)));
         return List.of(fwd(m, sequence, ofMo ? Fwd.TYPE_MO_REPORT : Fwd.TYPE_MT_REPORT, msgId, m.integer(SmsProperties.SEGMENT_TOTAL, 1),
            m.integer(SmsProperties.SEGMENT_NUMBER, 1), 0, MSG_FMT_ASCII, report.toBytes(ofMo ? CmppVersion.V20 : version)));
      }
      int fwdType = kind == SmsKind.MO ? Fwd.TYPE_MO : Fwd.TYPE_MT;
      // A segment sent with SAR TLVs has no UDH yet: the FWD carries concatenation in the UDH only.
      byte[] header;
      try {
         header = SarSegments.header(m);
      } catch (IllegalArgumentException e) {
         throw new NotForwardable(NOT_CARRIED_ERROR, e.getMessage());
      }
      boolean segment = header != null || m.integer(SmsProperties.SEGMENT_TOTAL, 0) > 1;
      String text = null;
      int msgFmt;
      byte[] payload;
      int limit;
      if (m.hasTextBody()) {
         text = m.text("");
         // One segment cannot be cut again: it goes in a format that holds it whole (decision 80), or gets a report.
         CmppTextCoding.Encoded encoded = segment ? CmppTextCoding.segmentOf(m, text, header) : CmppTextCoding.whole(text);
         if (encoded == null) {
            // 106 as before for a part that is no SMS with its header (a SAR part an ESME filled to 160 septets)
            throw new NotForwardable(CmppTextCoding.isOneSms(m, text, header) ? NO_FITTING_CODING_ERROR : NOT_CARRIED_ERROR,
               "a segment of " + text.length() + " characters fits no Msg_Fmt");
         }
         msgFmt = encoded.msgFmt();
         payload = encoded.octets();
         limit = segment ? CmppTextCoding.MAX_MSG_LENGTH : CmppCodec.maxContentLength(msgFmt);
      } else {
         msgFmt = CmppTextCoding.binaryMsgFmt(m.integer(SmsProperties.DATA_CODING, SmsEncoding.BINARY.smppDataCoding()));
         payload = m.bytes();
         limit = CmppCodec.maxContentLength(msgFmt);
      }
      byte[] content = header == null ? payload : CmppTextCoding.withHeader(header, payload);
      if (content.length <= limit) {
         return List.of(fwd(m, sequence, fwdType, msgId, m.integer(SmsProperties.SEGMENT_TOTAL, 1),
            m.integer(SmsProperties.SEGMENT_NUMBER, 1), header != null ? 1 : 0, msgFmt, content));
      }
      if (!split || segment) {
         // One segment already: splitting it again would nest concatenations the handset cannot join.
         throw new NotForwardable(NOT_CARRIED_ERROR, content.length + " octets do not fit one FWD (limit " + limit + ")");
      }
      List<byte[]> contents;
      try {
         int reference = SplitReference.of(m); // from the whole Msg_Id: the same when the message comes again
         contents = text == null ? CmppConcatenation.parts(payload, reference) : CmppConcatenation.parts(text, msgFmt, reference);
      } catch (IllegalArgumentException tooMany) {
         throw new NotForwardable(NOT_CARRIED_ERROR, tooMany.getMessage());
      }
      int total = contents.size();
      List<Fwd> parts = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
         parts.add(fwd(m, i == 0 ? sequence : 0, fwdType, msgId, total, i + 1, 1, msgFmt, contents.get(i)));
      }
      return parts;
   }

   private Fwd fwd(SmsMessageReader m, int sequence, int fwdType, long msgId, int pkTotal, int pkNumber, int udhi, int msgFmt,
                   byte[] content) {
      String account = m.string(SmsProperties.ACCOUNT, "");
      // An MT's value as its SP submitted it (an application's MT without one wants its reports: 1), so the peer keeps it.
      return new Fwd(sequence, ownCode, peerCode, m.integer(SmsProperties.HOPS, 0) + 1, fwdType, msgId, pkTotal, pkNumber,
         m.integer(SmsProperties.REGISTERED_DELIVERY, fwdType == Fwd.TYPE_MT ? 1 : 0), m.integer(SmsProperties.PRIORITY, 0),
         m.string(SmsProperties.SERVICE_ID, ""), m.integer(SmsProperties.FEE_USER_TYPE, 0),
         m.string(SmsProperties.FEE_TERMINAL, ""), "", 0, m.integer(SmsProperties.PROTOCOL_ID, 0), udhi, msgFmt,
         account.length() <= MSG_SRC_WIDTH ? account : "", m.string(SmsProperties.FEE_TYPE, ""),
         m.string(SmsProperties.FEE_CODE, ""), SmppTime.formatAbsolute(m.longValue(SmsProperties.VALIDITY_TIME, 0)),
         SmppTime.formatAbsolute(m.longValue(SmsProperties.SCHEDULE_TIME, 0)), m.string(SmsProperties.SOURCE, ""), "", 0, 0,
         List.of(m.string(SmsProperties.DESTINATION, "")), "", 0, content, m.string(SmsProperties.LINK_ID, ""), "");
   }

   private static long msgId(SmsMessageReader m) {
      String smsId = m.string(SmsProperties.ID);
      OptionalLong parsed = smsId == null ? OptionalLong.empty() : CmppMsgId.parseHex(smsId);
      if (parsed.isEmpty()) {
         throw new NotForwardable(NO_MSG_ID_ERROR, "no CMPP Msg_Id (16 hex digits) in smsId: " + smsId);
      }
      return parsed.getAsLong();
   }

   /**
    * Stat is 7 characters: the report's network code when it is final and has one (MB:0011 for an SMSC refusal, so the
    * peer's SP hears it too), else the receipt vocabulary, or a network code such as MB:0005 passed through.
    */
   private static String stat(String status, String networkCode) {
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

   // ---------------------------------------------------------------- FWD → message

   /**
    * Why a FWD received from a peer cannot be stored as it is, or null. DestUsr_tl must be 1 (the FWD table says
    * so; a second Dest_Id would be lost, none would store a message without a destination). An MT or MO must
    * carry a valid (or empty) Valid_Time and At_Time, as a SUBMIT must, and without a UDH and with Pk_total above 1
    * a Pk_number from 1 to Pk_total (Pk_total 0 or 1 is one message), and text octets its Msg_Fmt defines. The peer is
    * answered FWD_RESP Result 1 (structure error) and nothing is stored.
    */
   public static String problem(Fwd fwd, long nowMillis) {
      if (fwd.destIds().size() != 1) {
         return "DestUsr_tl " + fwd.destIds().size() + ", must be 1";
      }
      if (fwd.msgFwdType() != Fwd.TYPE_MT && fwd.msgFwdType() != Fwd.TYPE_MO) {
         return null; // a report's times and segment fields are not read
      }
      if (SmppTime.toEpochMillis(fwd.validTime(), nowMillis) == SmppTime.INVALID) {
         return "Valid_Time '" + LogText.safe(fwd.validTime()) + "' is no valid time"; // the peer's text, quoted in logs
      }
      if (SmppTime.toEpochMillis(fwd.atTime(), nowMillis) == SmppTime.INVALID) {
         return "At_Time '" + LogText.safe(fwd.atTime()) + "' is no valid time";
      }
      // Pk_total 0 or 1 is one message whatever Pk_number says (gateways written in C zero-fill the struct)
      if (!fwd.hasUdh() && fwd.pkTotal() > 1 && (fwd.pkNumber() < 1 || fwd.pkNumber() > fwd.pkTotal())) {
         return "Pk_number " + fwd.pkNumber() + " of Pk_total " + fwd.pkTotal();
      }
      return contentProblem(fwd);
   }

   /**
    * Text octets its Msg_Fmt does not define (above 0x7F in Msg_Fmt 0, bad GB bytes, UCS2 of an odd length), which
    * would reach the handset as U+FFFD: refused as a SUBMIT with them is. A malformed UDH is left to {@link #toMessage}.
    */
   private static String contentProblem(Fwd fwd) {
      SmsEncoding encoding = SmsEncoding.fromCmppMsgFmt(fwd.msgFmt());
      if (encoding == SmsEncoding.BINARY) {
         return null;
      }
      byte[] content = fwd.msgContent();
      int offset = 0;
      if (fwd.hasUdh()) {
         try {
            offset = UserDataHeader.parse(content).length();
         } catch (MalformedUdhException e) {
            return null;
         }
      }
      SmsText.Validity validity = SmsText.check(content, offset, content.length - offset, encoding);
      return validity == SmsText.Validity.VALID ? null : "Msg_Fmt " + fwd.msgFmt() + " content: " + validity;
   }

   /**
    * The contract message for a FWD received from the peer: type 0 for {@code sms.mt}, 1 for {@code sms.mo},
    * 2 and 3 for {@code sms.dr}; smsOriginGateway = Source_Id, smsHops = NodesCount.
    *
    * @throws MalformedUdhException when TP_udhi is set but the content starts with no valid header
    * @throws IllegalArgumentException for a FWD with a {@link #problem}, an unknown Msg_Fwd_Type, a report without
    *     the report layout, or an unknown Msg_Fmt
    */
   public CoreMessage toMessage(Fwd fwd, long brokerMessageId, long nowMillis) throws MalformedUdhException {
      String problem = problem(fwd, nowMillis);
      if (problem != null) {
         throw new IllegalArgumentException(problem);
      }
      String recipient = fwd.destIds().get(0);
      return switch (fwd.msgFwdType()) {
         case Fwd.TYPE_MT -> shortMessage(fwd, brokerMessageId, SmsAddresses.MT_ADDRESS, SmsKind.MT, recipient, nowMillis);
         case Fwd.TYPE_MO -> shortMessage(fwd, brokerMessageId, SmsAddresses.MO_ADDRESS, SmsKind.MO, recipient, nowMillis);
         case Fwd.TYPE_MT_REPORT, Fwd.TYPE_MO_REPORT -> report(fwd, brokerMessageId, recipient, nowMillis);
         default -> throw new IllegalArgumentException("unknown Msg_Fwd_Type " + fwd.msgFwdType());
      };
   }

   private SmsMessageBuilder common(Fwd fwd, long brokerMessageId, SimpleString address, SmsKind kind, String recipient) {
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerMessageId, address, kind)
         .id(CmppMsgId.toHex(fwd.msgId()))
         .string(SmsProperties.PROTOCOL, PROTOCOL)
         .string(SmsProperties.PROTOCOL_VERSION, protocolVersion)
         .source(fwd.srcId(), (byte) 0, (byte) 0)
         .destination(recipient, (byte) 0, (byte) 0)
         .string(SmsProperties.SERVICE_ID, fwd.serviceId())
         .integer(SmsProperties.REGISTERED_DELIVERY, fwd.registeredDelivery())
         .string(SmsProperties.ORIGIN_GATEWAY, fwd.sourceId())
         .integer(SmsProperties.HOPS, fwd.nodesCount());
      if (!fwd.msgSrc().isEmpty()) {
         b.string(SmsProperties.ACCOUNT, fwd.msgSrc());
      }
      if (!fwd.linkId().isEmpty()) {
         b.string(SmsProperties.LINK_ID, fwd.linkId());
      }
      return b;
   }

   private CoreMessage shortMessage(Fwd fwd, long brokerMessageId, SimpleString address, SmsKind kind, String recipient,
                                    long nowMillis) throws MalformedUdhException {
      byte[] content = fwd.msgContent();
      SmsMessageBuilder b = common(fwd, brokerMessageId, address, kind, recipient)
         .integer(SmsProperties.PROTOCOL_ID, fwd.tpPid())
         .integer(SmsProperties.PRIORITY, fwd.msgLevel())
         .fee(fwd.feeUserType(), fwd.feeType(), fwd.feeCode(), fwd.feeTerminalId())
         .submitTime(nowMillis);
      long validity = SmppTime.toEpochMillis(fwd.validTime(), nowMillis);
      long schedule = SmppTime.toEpochMillis(fwd.atTime(), nowMillis);
      b.validityTime(validity).scheduleTime(schedule); // both valid: problem() was asked
      int payloadOffset = 0;
      if (fwd.hasUdh()) {
         UserDataHeader udh = UserDataHeader.parse(content);
         payloadOffset = udh.length();
         b.udh(content, payloadOffset);
         ConcatPart part = udh.concatPart().orElse(null);
         if (part != null) {
            b.segment(part.reference().value(), part.total(), part.number());
         }
      } else if (fwd.pkTotal() > 1) {
         b.segment(0, fwd.pkTotal(), fwd.pkNumber());
      }
      SmsEncoding encoding = SmsEncoding.fromCmppMsgFmt(fwd.msgFmt());
      b.integer(SmsProperties.DATA_CODING, DataCoding.fromCmppMsgFmt(fwd.msgFmt()));
      int length = content.length - payloadOffset;
      if (encoding == SmsEncoding.BINARY) {
         b.bytes(content, payloadOffset, length);
      } else {
         b.text(SmsText.decode(content, payloadOffset, length, encoding));
      }
      CoreMessage message = b.build();
      message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(duplicateId(fwd, recipient)));
      return message;
   }

   /**
    * The broker's duplicate id of an incoming MT or MO: a peer resends a FWD whose FWD_RESP it never got (after
    * a reconnect), and the copy must not reach the handset or the SP twice. Msg_Id, recipient and segment name
    * the message whichever peer forwards it. (Reports are deduplicated by the routing plugin.)
    */
   static String duplicateId(Fwd fwd, String recipient) {
      return "fwd:" + fwd.msgFwdType() + ":" + CmppMsgId.toHex(fwd.msgId()) + ":" + recipient + ":" + fwd.pkNumber();
   }

   private CoreMessage report(Fwd fwd, long brokerMessageId, String recipient, long nowMillis) {
      boolean ofMo = fwd.msgFwdType() == Fwd.TYPE_MO_REPORT;
      StatusReport report = StatusReport.parse(fwd.msgContent(), ofMo ? CmppVersion.V20 : version)
         .orElseThrow(() -> new IllegalArgumentException("report content of " + fwd.msgContent().length + " octets"));
      // The fee fields travel too: the origin gateway bills from this report (a free MT must stay unbilled).
      SmsMessageBuilder b = common(fwd, brokerMessageId, SmsAddresses.DR_ADDRESS, SmsKind.DR, recipient)
         .id(CmppMsgId.toHex(report.msgId()));
      if (ReportCodes.isNetworkCode(report.stat())) {
         // A network code (MB:0005): the state it means for routing, billing and SMPP receipts, the code itself as the
         // error (the receipt's err: is its digits) and for CMPP SPs, who get it back as Stat.
         b.string(SmsProperties.STATUS, ReportCodes.state(report.stat()).stat())
          .string(SmsProperties.ERROR_CODE, report.stat())
          .string(SmsProperties.NETWORK_CODE, report.stat());
      } else {
         b.string(SmsProperties.STATUS, report.stat());
      }
      b.fee(fwd.feeUserType(), fwd.feeType(), fwd.feeCode(), fwd.feeTerminalId());
      long submitted = reportMillis(report.submitTime());
      long done = reportMillis(report.doneTime());
      b.submitTime(submitted > 0 ? submitted : nowMillis).doneTime(done > 0 ? done : nowMillis);
      if (ofMo) {
         b.string(REPORT_OF, MO_REPORT);
      }
      if (fwd.pkTotal() > 1) {
         // The report of one part of a long MT: each part has a final state of its own (its report, its billing
         // record), and without the number they would share one identity and all but the first be dropped as repeats.
         b.segment(0, fwd.pkTotal(), fwd.pkNumber());
      }
      return b.text("").build();
   }

   /**
    * The report for a message not forwarded because NodesCount would exceed the hop limit: UNDELIV with
    * smsErrorCode {@link #HOP_LIMIT_ERROR}, addressed back the way the contract's reports go (smsSource = the
    * handset the MT was for).
    */
   public static CoreMessage hopLimitReport(ICoreMessage original, long brokerMessageId, long nowMillis) {
      return undeliveredReport(original, brokerMessageId, nowMillis, HOP_LIMIT_ERROR);
   }

   /**
    * The UNDELIV report with {@code errorCode} for an MT or MO that is not forwarded (the hop limit, or FWD cannot carry
    * it), addressed back the way the contract's reports go. Numeric properties that are no numbers count as absent:
    * they may be the reason the message is not forwarded, and its sender must still hear.
    */
   public static CoreMessage undeliveredReport(ICoreMessage original, long brokerMessageId, long nowMillis, String errorCode) {
      SmsMessageReader m = new SmsMessageReader(original);
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerMessageId, SmsAddresses.DR_ADDRESS, SmsKind.DR)
         .id(m.string(SmsProperties.SUBMITTED_ID, m.string(SmsProperties.ID))) // the id its submitter knows
         .string(SmsProperties.ACCOUNT, m.string(SmsProperties.ACCOUNT))
         .string(SmsProperties.PROTOCOL, m.string(SmsProperties.PROTOCOL))
         .string(SmsProperties.PROTOCOL_VERSION, m.string(SmsProperties.PROTOCOL_VERSION))
         .string(SmsProperties.SOURCE, m.string(SmsProperties.DESTINATION))
         .string(SmsProperties.DESTINATION, m.string(SmsProperties.SOURCE))
         .string(SmsProperties.SERVICE_ID, m.string(SmsProperties.SERVICE_ID))
         // an MT without a readable one wants its reports (decisions.md, "Reports only for submitters that asked for them")
         .integer(SmsProperties.REGISTERED_DELIVERY, m.integerOrElse(SmsProperties.REGISTERED_DELIVERY, m.kind() == SmsKind.MT ? 1 : 0))
         .string(SmsProperties.STATUS, DeliveryState.UNDELIV.stat())
         .string(SmsProperties.ERROR_CODE, errorCode)
         .submitTime(m.longOrElse(SmsProperties.SUBMIT_TIME, nowMillis))
         .doneTime(nowMillis)
         .string(SmsProperties.ORIGIN_GATEWAY, m.string(SmsProperties.ORIGIN_GATEWAY))
         .integer(SmsProperties.HOPS, m.integerOrElse(SmsProperties.HOPS, 0));
      if (m.kind() == SmsKind.MO) {
         b.string(REPORT_OF, MO_REPORT);
      }
      int total = m.integerOrElse(SmsProperties.SEGMENT_TOTAL, 0);
      if (total > 0) {
         b.segment(m.integerOrElse(SmsProperties.SEGMENT_REF, 0), total, m.integerOrElse(SmsProperties.SEGMENT_NUMBER, 1));
      }
      return b.text("").build();
   }

   private LocalDateTime time(long millis) {
      return millis <= 0 ? null : LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone);
   }

   /** "YYMMDDHHMM" in this mapper's zone; 0 when not a valid time. */
   private long reportMillis(String text) {
      if (text.length() != 10) {
         return 0;
      }
      for (int i = 0; i < 10; i++) {
         if (text.charAt(i) < '0' || text.charAt(i) > '9') {
            return 0;
         }
      }
      try {
         LocalDateTime t = LocalDateTime.of(2000 + Integer.parseInt(text, 0, 2, 10), Integer.parseInt(text, 2, 4, 10),
            Integer.parseInt(text, 4, 6, 10), Integer.parseInt(text, 6, 8, 10), Integer.parseInt(text, 8, 10, 10));
         return t.atZone(zone).toInstant().toEpochMilli();
      } catch (java.time.DateTimeException e) {
         return 0;
      }
   }
}
