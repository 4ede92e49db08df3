package io.smsgw.smpp.client;

import java.time.ZoneId;
import java.util.function.Function;

import io.smsgw.core.concat.ConcatPart;
import io.smsgw.core.concat.MalformedUdhException;
import io.smsgw.core.concat.UserDataHeader;
import io.smsgw.core.contract.ReportKeys;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.text.DefaultAlphabet;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.reader.MessageUtil;

/**
 * The contract messages an SMSC link produces: DR messages on {@code sms.dr} for receipts (and for submits
 * the SMSC refused), MO messages on {@code sms.mo}, and receipts that matched nothing on the parking queue.
 */
final class LinkMessages {

   /** Receipts that matched no correlation record wait here, counted, for an operator to look at. */
   static final String UNMATCHED_RECEIPTS = "sms.dr.unmatched";

   /**
    * Parked receipts that can no longer match (their tries are all made, or they carry no id) are moved here by
    * {@link ParkedReceiptRetrier}, out of the way of the receipts parked after them; they stay for an operator.
    */
   static final String EXHAUSTED_RECEIPTS = "sms.dr.unmatched.exhausted";

   /** Stands in for the SMSC message id of an MT the SMSC never accepted; not written to the DR. */
   static final String NO_SMSC_ID = "-";

   private static final SimpleString UNMATCHED = SimpleString.of(UNMATCHED_RECEIPTS);
   /** Values every DR repeats, kept as SimpleStrings so that a receipt does not copy them (indexed by ordinal). */
   private static final SimpleString[] PROTOCOLS = byOrdinal(SmsProtocol.values(), SmsProtocol::name);
   private static final SimpleString[] STATES = byOrdinal(DeliveryState.values(), DeliveryState::stat);
   private static final int ESM_UDHI = 0x40;

   private final SimpleString linkId;
   private final DefaultAlphabet defaultAlphabet;
   private final ZoneId zone = ZoneId.systemDefault();

   LinkMessages(String linkId, DefaultAlphabet defaultAlphabet) {
      this.linkId = SimpleString.of(linkId);
      this.defaultAlphabet = defaultAlphabet;
   }

   /** The DR for a receipt that matched the MT's correlation record. */
   CoreMessage receipt(long brokerId, CorrelationRecord r, SmscReceipt receipt, long nowMillis) {
      long done = receipt.doneDate() == null ? nowMillis : receipt.doneDate().atZone(zone).toInstant().toEpochMilli();
      return report(brokerId, r, receipt.state(), receipt.error(), done);
   }

   /** A DR for an MT that ended without a receipt: the SMSC refused it, or its validity ran out. */
   CoreMessage report(long brokerId, CorrelationRecord r, DeliveryState state, String error, long doneMillis) {
      return report(brokerId, r, state, error, null, doneMillis);
   }

   /**
    * As {@link #report(long, CorrelationRecord, DeliveryState, String, long)}, with the CMPP network code of the outcome
    * (smsNetworkCode: MB:xxxx for an SMSC refusal, MA:0000 no answer, MC:0000 no receipt), or null.
    */
   CoreMessage report(long brokerId, CorrelationRecord r, DeliveryState state, String error, String networkCode, long doneMillis) {
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerId, SmsAddresses.DR_ADDRESS, SmsKind.DR)
         .id(r.smsId())
         .string(SmsProperties.ACCOUNT, r.account())
         .string(SmsProperties.PROTOCOL, PROTOCOLS[r.protocol().ordinal()])
         .string(SmsProperties.PROTOCOL_VERSION, r.protocolVersion())
         .string(SmsProperties.SOURCE, r.destination())
         .string(SmsProperties.DESTINATION, r.source())
         // the service as the MT named it: an SMPP service_type stays one (message-contract.md)
         .string(r.serviceType() ? SmsProperties.SERVICE_TYPE : SmsProperties.SERVICE_ID, r.serviceId())
         // an application's JMS correlation id: what it matches the report to its MT by
         .string(MessageUtil.CORRELATIONID_HEADER_NAME, r.correlationId())
         .fee(r.feeUserType(), r.feeType(), r.feeCode(), r.feeTerminal())
         .integer(SmsProperties.REGISTERED_DELIVERY, r.registeredDelivery())
         .string(SmsProperties.STATUS, STATES[state.ordinal()])
         .string(SmsProperties.ERROR_CODE, error)
         .string(SmsProperties.NETWORK_CODE, networkCode)
         .submitTime(r.submitTimeMillis())
         .doneTime(doneMillis)
         .string(SmsProperties.SMSC_MESSAGE_ID, NO_SMSC_ID.equals(r.smscMessageId()) ? null : r.smscMessageId())
         // the record's link: another link reports for a link no longer configured (SmscLinkService)
         .string(SmsProperties.LINK, linkId.toString().equals(r.linkId()) ? linkId : SimpleString.of(r.linkId()))
         .string(SmsProperties.ORIGIN_GATEWAY, r.originGateway());
      // The report comes from the MT's recipient and goes to its sender: the TON/NPI change places with the addresses,
      // and one the MT did not carry stays absent (as routing's reports do, ReportAddresses).
      tonOrNpi(b, SmsProperties.SOURCE_TON, r.destinationTon());
      tonOrNpi(b, SmsProperties.SOURCE_NPI, r.destinationNpi());
      tonOrNpi(b, SmsProperties.DESTINATION_TON, r.sourceTon());
      tonOrNpi(b, SmsProperties.DESTINATION_NPI, r.sourceNpi());
      if (r.segmentTotal() > 0) {
         b.segment(r.segmentRef(), r.segmentTotal(), r.segmentNumber());
      }
      if (r.smsParts() > 0) {
         // sent whole as message_payload: one report and one billing record for this many SMS
         b.integer(SmsProperties.SMS_PARTS, r.smsParts());
      }
      CoreMessage dr;
      if (state.isFinal()) {
         // Checked once on sms.dr for the report and its billing record together (decision 36): a receipt the
         // SMSC sends again, or again after a crash, is dropped before any copy is made.
         b.duplicateId(ReportKeys.reportDuplicateId(r.smsId(), r.destination(), r.segmentTotal() > 0 ? r.segmentNumber() : null));
      }
      dr = b.text("").build();
      if (r.gatewaySplit()) {
         // one part of the link's own split: routing gives the submitter one report for the whole message
         dr.putBooleanProperty(SmsProperties.GATEWAY_SPLIT, true);
      }
      return dr;
   }

   private static void tonOrNpi(SmsMessageBuilder b, SimpleString property, int value) {
      if (value != CorrelationRecord.ABSENT) {
         b.byteValue(property, (byte) value);
      }
   }

   private static <E extends Enum<E>> SimpleString[] byOrdinal(E[] values, Function<E, String> text) {
      SimpleString[] strings = new SimpleString[values.length];
      for (E value : values) {
         strings[value.ordinal()] = SimpleString.of(text.apply(value));
      }
      return strings;
   }

   /** A receipt nobody asked for (or whose record already expired): kept, never dropped silently. */
   CoreMessage unmatched(long brokerId, String smscMessageId, SmscReceipt receipt, byte[] text) {
      return unmatched(brokerId, smscMessageId, receipt, text, null);
   }

   /**
    * As {@link #unmatched(long, String, SmscReceipt, byte[])}; a receipt known only by its content ({@code byContent}
    * not null) also keeps what its PDU said as an MO, so that a later try whose record names another recipient can
    * deliver it as the MO it is ({@link #parkedByContent}).
    */
   CoreMessage unmatched(long brokerId, String smscMessageId, SmscReceipt receipt, byte[] text, MoPdu byContent) {
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerId, UNMATCHED, SmsKind.DR)
         .string(SmsProperties.SMSC_MESSAGE_ID, smscMessageId)
         .string(SmsProperties.LINK, linkId)
         .string(SmsProperties.STATUS, receipt == null ? null : receipt.state().stat())
         .string(SmsProperties.ERROR_CODE, receipt == null ? null : receipt.error())
         .doneTime(System.currentTimeMillis());
      if (byContent != null) {
         b.source(byContent.source().address(), byContent.source().ton(), byContent.source().npi())
          .destination(byContent.destination().address(), byContent.destination().ton(), byContent.destination().npi())
          .integer(SmsProperties.DATA_CODING, byContent.dataCoding())
          .integer(SmsProperties.ESM_CLASS, byContent.esmClass())
          .integer(SmsProperties.PROTOCOL_ID, byContent.protocolId());
      }
      // Latin-1 keeps every octet as one character: parkedByContent gets the user data back exactly.
      CoreMessage parked = b.text(SmsText.decode(text, SmsEncoding.LATIN1)).build();
      if (byContent != null) {
         parked.putBooleanProperty(RECEIPT_BY_CONTENT, true);
      }
      return parked;
   }

   /** Marks a parked receipt known only by its content (esm_class 0): checked against its record's recipient. */
   static final SimpleString RECEIPT_BY_CONTENT = SimpleString.of("smsReceiptByContent");

   /**
    * What a parked receipt known only by its content said as an MO (null for a receipt its esm_class flagged). Its TLVs
    * are not kept: a receipt text carries no SAR set.
    */
   static MoPdu parkedByContent(SmsMessageReader parked) {
      if (!Boolean.TRUE.equals(parked.message().getBooleanProperty(RECEIPT_BY_CONTENT))) {
         return null;
      }
      String text = parked.hasTextBody() ? parked.text() : null;
      return new MoPdu(
         new Address((byte) parked.integer(SmsProperties.SOURCE_TON, 0), (byte) parked.integer(SmsProperties.SOURCE_NPI, 0),
                     parked.string(SmsProperties.SOURCE, "")),
         new Address((byte) parked.integer(SmsProperties.DESTINATION_TON, 0),
                     (byte) parked.integer(SmsProperties.DESTINATION_NPI, 0), parked.string(SmsProperties.DESTINATION, "")),
         parked.integer(SmsProperties.ESM_CLASS, 0), parked.integer(SmsProperties.PROTOCOL_ID, 0),
         parked.integer(SmsProperties.DATA_CODING, 0),
         text == null ? new byte[0] : text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), Tlvs.EMPTY);
   }

   /** A deliver_sm or data_sm as an MO: what {@link #mobileOriginated} needs. */
   record MoPdu(Address source, Address destination, int esmClass, int protocolId, int dataCoding, byte[] userData,
                Tlvs tlvs) {
   }

   CoreMessage mobileOriginated(long brokerId, String smsId, MoPdu pdu, String version) {
      return mobileOriginated(brokerId, smsId, pdu.source(), pdu.destination(), pdu.esmClass(), pdu.protocolId(),
                              pdu.dataCoding(), pdu.userData(), pdu.tlvs(), version);
   }

   /** An MO from the SMSC, text decoded, segments kept as they came. */
   CoreMessage mobileOriginated(long brokerId, String smsId, Address source, Address destination, int esmClass,
                                int protocolId, int dataCoding, byte[] userData, Tlvs tlvs, String version) {
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerId, SmsAddresses.MO_ADDRESS, SmsKind.MO)
         .id(smsId)
         .string(SmsProperties.PROTOCOL, "SMPP")
         .string(SmsProperties.PROTOCOL_VERSION, version)
         .source(source.address(), source.ton(), source.npi())
         .destination(destination.address(), destination.ton(), destination.npi())
         // 0 read as the link's Latin-1 or IA5 is recorded as that alphabet's code (0x03, 0x01): to an ESME or another
         // link 0 may mean GSM 7-bit, and a segment goes on in "the coding it came in" when GSM 7-bit and UCS2 cannot
         // hold it in one SMS
         .integer(SmsProperties.DATA_CODING, dataCoding == 0 ? defaultAlphabet.encoding().smppDataCoding() : dataCoding)
         .integer(SmsProperties.ESM_CLASS, esmClass)
         .integer(SmsProperties.PROTOCOL_ID, protocolId)
         .submitTime(System.currentTimeMillis())
         .string(SmsProperties.LINK, linkId);
      int offset = 0;
      boolean lastPart = true;
      if ((esmClass & ESM_UDHI) != 0) {
         try {
            UserDataHeader udh = UserDataHeader.parse(userData);
            offset = udh.length();
            b.udh(userData, offset);
            ConcatPart part = udh.concatPart().orElse(null);
            if (part != null) {
               b.segment(part.reference().value(), part.total(), part.number());
               lastPart = part.number() >= part.total();
            }
         } catch (MalformedUdhException e) {
            offset = 0; // keep the octets as they are rather than lose the message
         }
      } else if (tlvs.contains(TlvTag.SAR_MSG_REF_NUM)) {
         int reference = tlvs.getU16(TlvTag.SAR_MSG_REF_NUM);
         int total = tlvs.getU8(TlvTag.SAR_TOTAL_SEGMENTS);
         int number = tlvs.getU8(TlvTag.SAR_SEGMENT_SEQNUM);
         // An incomplete or inconsistent SAR set (a TLV missing or of the wrong size, part 0 or past the total) cannot
         // be reassembled by anyone; delivered as a message of its own, as with a malformed UDH, it is not lost.
         if (reference >= 0 && total >= 1 && number >= 1 && number <= total) {
            b.segment(reference, total, number);
            lastPart = number == total;
         }
      }
      if (dataCoding == 0) {
         // the link's default-alphabet: packed septets start after the fill bits behind the UDH; a CR in the last 7 bits
         // is padding only in the last part (decision 93)
         b.text(defaultAlphabet.decode(userData, offset, lastPart));
         return b.build();
      }
      SmsEncoding encoding = SmsEncoding.fromSmppDataCoding(dataCoding);
      if (encoding == SmsEncoding.BINARY) {
         b.bytes(userData, offset, userData.length - offset);
      } else {
         b.text(SmsText.decode(userData, offset, userData.length - offset, encoding));
      }
      return b.build();
   }
}
