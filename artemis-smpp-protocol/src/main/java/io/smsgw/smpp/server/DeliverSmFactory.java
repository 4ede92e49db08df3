package io.smsgw.smpp.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.function.IntSupplier;

import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.SarSegments;
import io.smsgw.core.concat.Segment;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.concat.UserDataHeader;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.receipt.ReportCodes;
import io.smsgw.core.text.DataCoding;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.Concatenation;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Builds the deliver_sm for a message waiting on an account's queue: a status report (smsKind DR) becomes
 * an SMSC delivery receipt whose id is the smsId the ESME got in submit_sm_resp (on 3.4 an intermediate delivery
 * notification, esm_class 0x20, when its state is not final); anything else is an MO.
 * 3.3 sessions never get TLVs: an MO segment known by its segment properties only (it came with SAR TLVs)
 * gets SAR TLVs on 3.4 and a concatenation UDH on 3.3.
 *
 * <p>An MO longer than one SMS in its data coding (160 GSM characters, 140 octets otherwise) that is not already one
 * segment of a long message goes as concatenated deliver_sm, to 3.3 and 3.4 sessions alike, as an SMSC delivers what
 * a handset sent as a long message: a concatenation UDH (esm_class 0x40, 8-bit reference from the smsId, see
 * {@link SplitReference}) and at most 153 GSM characters, 67 UCS2 characters or 134 octets behind it. So does one
 * whose header only says it has one part, when its coding here makes it longer than one SMS. A part of a longer
 * message is never cut again: it goes whole, in short_message up to 254 octets, else in message_payload (3.4) or
 * not at all (3.3: dead-lettered), as SMPP allows (decision 102).
 *
 * <p>A receipt's {@code err:} is always 3 characters ({@link ReportCodes#receiptError}: {@code 1024} and {@code IB:0001}
 * would make ESME libraries such as cloudhopper refuse the receipt); the full code stays in the DR's smsErrorCode.
 */
final class DeliverSmFactory {

   static final int ESM_CLASS_RECEIPT = 0x04;
   /** SMPP 3.4 5.2.12 message type 1000: intermediate delivery notification. */
   static final int ESM_CLASS_INTERMEDIATE = 0x20;
   static final int ESM_CLASS_UDHI = 0x40;
   static final int MAX_SHORT_MESSAGE = 254;

   private final SmsEncoding defaultAlphabet;
   private final IntSupplier sequences;
   private final ZoneId zone = ZoneId.systemDefault();

   /** @param sequences the session's sequence numbers, for the parts after the first of a long MO */
   DeliverSmFactory(SmsEncoding defaultAlphabet, IntSupplier sequences) {
      this.defaultAlphabet = defaultAlphabet;
      this.sequences = sequences;
   }

   /**
    * The deliver_sm for {@code message}, or the first of its parts, with {@code sequence}; the other parts of a long
    * MO are added to {@code furtherParts} in order.
    *
    * @throws IllegalArgumentException for a message no deliver_sm can carry
    */
   DeliverSm create(ICoreMessage message, int sequence, boolean version34, List<DeliverSm> furtherParts) {
      SmsMessageReader m = new SmsMessageReader(message);
      ShortMessagePdu.Builder b = ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(address(m, SmsProperties.SOURCE, SmsProperties.SOURCE_TON, SmsProperties.SOURCE_NPI))
         .destinationAddr(address(m, SmsProperties.DESTINATION, SmsProperties.DESTINATION_TON, SmsProperties.DESTINATION_NPI))
         .serviceType(m.string(SmsProperties.SERVICE_TYPE, ""));
      return (m.kind() == SmsKind.DR ? receipt(m, b, version34) : mobileOriginated(m, b, version34, sequence, furtherParts)).buildDeliverSm();
   }

   private ShortMessagePdu.Builder receipt(SmsMessageReader m, ShortMessagePdu.Builder b, boolean version34) {
      String id = m.string(SmsProperties.ID);
      if (id == null) {
         throw new IllegalArgumentException("status report without smsId");
      }
      String status = m.string(SmsProperties.STATUS);
      DeliveryState state = status == null ? DeliveryState.UNKNOWN : DeliveryState.fromStat(status);
      String error = m.string(SmsProperties.ERROR_CODE);
      if (state == DeliveryState.UNKNOWN && ReportCodes.isNetworkCode(status)) {
         // A CMPP network code as state (an application's report, or one stored before FWD read them): the word it means,
         // and the code as err unless the report has one.
         state = ReportCodes.state(status);
         error = error == null ? status : error;
      }
      String text = m.text("");
      // Some ESME libraries refuse receipts without both dates: fall back to when the report was made.
      LocalDateTime done = time(m, SmsProperties.DONE_TIME);
      done = done == null ? LocalDateTime.ofInstant(Instant.ofEpochMilli(m.timestamp()), zone) : done;
      LocalDateTime submitted = time(m, SmsProperties.SUBMIT_TIME);
      DeliveryReceipt receipt = new DeliveryReceipt(id, 1, state == DeliveryState.DELIVRD ? 1 : 0,
         submitted == null ? done : submitted, done, state, ReportCodes.receiptError(error), text);
      // A report in an intermediate state (ENROUTE, ACCEPTD: routing sends those only for registered_delivery 0x10) is
      // an intermediate notification on 3.4; 3.3 has no such message type, so a 3.3 session of the account gets the
      // receipt type with the state word, as before.
      int esmClass = version34 && !state.isFinal() ? ESM_CLASS_INTERMEDIATE : ESM_CLASS_RECEIPT;
      b.esmClass(esmClass).shortMessage(SmsText.encode(receipt.format(), SmsEncoding.ASCII));
      if (version34) {
         b.tlvs(Tlvs.builder().addCString(TlvTag.RECEIPTED_MESSAGE_ID, id).addU8(TlvTag.MESSAGE_STATE, state.messageState()).build());
      }
      return b;
   }

   private ShortMessagePdu.Builder mobileOriginated(SmsMessageReader m, ShortMessagePdu.Builder b, boolean version34, int sequence,
                                                    List<DeliverSm> furtherParts) {
      // The handset's TP-PID (SMPP protocol_id, CMPP TP_pid), as CMPP's DELIVER carries it: every part of a long MO has it.
      b.protocolId(m.integer(SmsProperties.PROTOCOL_ID, 0) & 0xFF);
      byte[] payload;
      int dataCoding;
      SmsEncoding encoding;
      String text = null;
      if (m.hasTextBody()) {
         text = m.text("");
         encoding = preferredEncoding(m, text);
         payload = SmsText.encode(text, encoding);
         dataCoding = dataCoding(m, encoding);
      } else {
         encoding = SmsEncoding.BINARY;
         payload = m.bytes();
         dataCoding = m.integer(SmsProperties.DATA_CODING, SmsEncoding.BINARY.smppDataCoding());
      }
      byte[] udh = m.udh();
      if (udh != null && payload.length > SmsSplitter.capacity(encoding, udh.length) && m.integer(SmsProperties.SEGMENT_TOTAL, 0) <= 1
             && UserDataHeader.isOnePartConcatenation(udh)) {
         // A header that only says "1 part": the message is whole, so when its coding here (the session's default
         // alphabet cannot hold it) makes it more than one SMS it is cut like any long MO (decision 102).
         udh = null;
      }
      if (udh == null && payload.length > SmsSplitter.capacity(encoding, 0) && m.integer(SmsProperties.SEGMENT_TOTAL, 0) <= 1) {
         return split(m, b, sequence, text, payload, encoding, dataCoding, furtherParts);
      }
      byte[] userData = payload;
      int esmClass = 0;
      Tlvs.Builder tlvs = null;
      if (udh != null) {
         userData = new byte[udh.length + payload.length];
         System.arraycopy(udh, 0, userData, 0, udh.length);
         System.arraycopy(payload, 0, userData, udh.length, payload.length);
         esmClass = ESM_CLASS_UDHI;
      } else if (SarSegments.isSarSegment(m)) {
         // A segment that came with SAR TLVs: SAR again on 3.4, a concatenation UDH on 3.3 (no TLVs there). Both with
         // the reference's low 8 bits: the account's 3.3 and CMPP sessions get the other parts of the message with
         // those in their UDH, and a receiver joins the parts it gets on all its sessions by reference.
         int reference = SarSegments.reference(m);
         int segmentTotal = m.integer(SmsProperties.SEGMENT_TOTAL, 0);
         int number = m.integer(SmsProperties.SEGMENT_NUMBER, 0);
         if (version34) {
            tlvs = Concatenation.addSar(Tlvs.builder(), reference, segmentTotal, number);
         } else {
            userData = SarSegments.withUdh(reference, segmentTotal, number, payload, encoding);
            if (userData == null) {
               throw new IllegalArgumentException("segment " + number + "/" + segmentTotal + " does not fit one SMS with its concatenation UDH");
            }
            esmClass = ESM_CLASS_UDHI;
         }
      }
      b.esmClass(esmClass).dataCoding(dataCoding);
      if (userData.length <= MAX_SHORT_MESSAGE) {
         b.shortMessage(userData);
         if (tlvs != null) {
            b.tlvs(tlvs.build());
         }
      } else if (version34) {
         b.tlvs((tlvs == null ? Tlvs.builder() : tlvs).add(TlvTag.MESSAGE_PAYLOAD, userData).build());
      } else {
         throw new IllegalArgumentException(userData.length + " octets do not fit one 3.3 deliver_sm");
      }
      return b;
   }

   /**
    * The parts of a long MO: the first in {@code b}, the others built from it with sequences of their own. Each holds
    * what one SMS holds behind its concatenation UDH; cuts fall between characters (SmsSplitter).
    */
   private ShortMessagePdu.Builder split(SmsMessageReader m, ShortMessagePdu.Builder b, int sequence, String text, byte[] payload,
                                         SmsEncoding encoding, int dataCoding, List<DeliverSm> furtherParts) {
      ConcatReference reference = ConcatReference.eightBit(SplitReference.of(m));
      List<Segment> segments = text == null ? SmsSplitter.split(payload, reference) : SmsSplitter.split(text, encoding, reference);
      b.esmClass(segments.get(0).hasHeader() ? ESM_CLASS_UDHI : 0).dataCoding(dataCoding);
      for (int i = 1; i < segments.size(); i++) {
         furtherParts.add(b.sequenceNumber(sequences.getAsInt()).shortMessage(segments.get(i).shortMessage()).buildDeliverSm());
      }
      return b.sequenceNumber(sequence).shortMessage(segments.get(0).shortMessage());
   }

   /**
    * The data_coding of text sent as {@code encoding}: the message class and message-waiting bits of the one the message
    * declares stay (a flash MO stays flash), and the plain code of the session's default alphabet is 0.
    */
   private int dataCoding(SmsMessageReader m, SmsEncoding encoding) {
      Number declared = m.number(SmsProperties.DATA_CODING);
      int dataCoding = DataCoding.withAlphabet(declared == null ? encoding.smppDataCoding() : declared.intValue(), encoding);
      return encoding == defaultAlphabet && dataCoding == encoding.smppDataCoding() ? 0 : dataCoding;
   }

   /** Keeps the data coding the message declares when the text fits it, else the smallest that does. */
   private SmsEncoding preferredEncoding(SmsMessageReader m, String text) {
      Number declared = m.number(SmsProperties.DATA_CODING);
      if (declared != null) {
         SmsEncoding encoding = declared.intValue() == 0 ? defaultAlphabet : SmsEncoding.fromSmppDataCoding(declared.intValue());
         if (encoding != SmsEncoding.BINARY && SmsText.canEncode(text, encoding)) {
            return encoding;
         }
      }
      return SmsText.canEncode(text, defaultAlphabet) ? defaultAlphabet : SmsEncoding.UCS2;
   }

   private LocalDateTime time(SmsMessageReader m, SimpleString name) {
      long millis = m.longValue(name, 0);
      return millis <= 0 ? null : LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone);
   }

   private static Address address(SmsMessageReader m, SimpleString name, SimpleString ton, SimpleString npi) {
      return new Address((byte) m.integer(ton, 0), (byte) m.integer(npi, 0), m.string(name, ""));
   }
}
