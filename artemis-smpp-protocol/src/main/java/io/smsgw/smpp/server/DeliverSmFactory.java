package io.smsgw.smpp.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Builds the deliver_sm for a message waiting on an account's queue: a status report (smsKind DR) becomes
 * an SMSC delivery receipt whose id is the smsId the ESME got in submit_sm_resp; anything else is an MO.
 * 3.3 sessions never get TLVs.
 */
final class DeliverSmFactory {

   static final int ESM_CLASS_RECEIPT = 0x04;
   static final int ESM_CLASS_UDHI = 0x40;
   static final int MAX_SHORT_MESSAGE = 254;
   private static final SimpleString DR = SimpleString.of(SmsKind.DR.name());

   private final SmsEncoding defaultAlphabet;
   private final ZoneId zone = ZoneId.systemDefault();

   DeliverSmFactory(SmsEncoding defaultAlphabet) {
      this.defaultAlphabet = defaultAlphabet;
   }

   DeliverSm create(ICoreMessage message, int sequence, boolean version34) {
      ShortMessagePdu.Builder b = ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(address(message, SmsProperties.SOURCE, SmsProperties.SOURCE_TON, SmsProperties.SOURCE_NPI))
         .destinationAddr(address(message, SmsProperties.DESTINATION, SmsProperties.DESTINATION_TON, SmsProperties.DESTINATION_NPI));
      String serviceType = string(message, SmsProperties.SERVICE_TYPE);
      if (serviceType != null) {
         b.serviceType(serviceType);
      }
      if (DR.equals(message.getSimpleStringProperty(SmsProperties.KIND))) {
         return receipt(message, b, version34).buildDeliverSm();
      }
      return mobileOriginated(message, b, version34).buildDeliverSm();
   }

   private ShortMessagePdu.Builder receipt(ICoreMessage message, ShortMessagePdu.Builder b, boolean version34) {
      String id = string(message, SmsProperties.ID);
      if (id == null) {
         throw new IllegalArgumentException("status report without smsId");
      }
      String status = string(message, SmsProperties.STATUS);
      DeliveryState state = status == null ? DeliveryState.UNKNOWN : DeliveryState.fromStat(status);
      String error = string(message, SmsProperties.ERROR_CODE);
      String text = bodyText(message);
      // Some ESME libraries refuse receipts without both dates: fall back to when the report was made.
      LocalDateTime reported = LocalDateTime.ofInstant(Instant.ofEpochMilli(message.getTimestamp()), zone);
      LocalDateTime done = time(message, SmsProperties.DONE_TIME);
      LocalDateTime submitted = time(message, SmsProperties.SUBMIT_TIME);
      done = done == null ? reported : done;
      DeliveryReceipt receipt = new DeliveryReceipt(id, 1, state == DeliveryState.DELIVRD ? 1 : 0,
         submitted == null ? done : submitted, done, state,
         error == null ? "000" : error, text == null ? "" : text);
      b.esmClass(ESM_CLASS_RECEIPT).shortMessage(SmsText.encode(receipt.format(), SmsEncoding.ASCII));
      if (version34) {
         b.tlvs(Tlvs.builder().addCString(TlvTag.RECEIPTED_MESSAGE_ID, id).addU8(TlvTag.MESSAGE_STATE, state.messageState()).build());
      }
      return b;
   }

   private ShortMessagePdu.Builder mobileOriginated(ICoreMessage message, ShortMessagePdu.Builder b, boolean version34) {
      Object udhValue = message.getObjectProperty(SmsProperties.UDH);
      byte[] udh = udhValue instanceof byte[] bytes ? bytes : null;
      byte[] payload;
      int dataCoding;
      if (message.getType() == Message.TEXT_TYPE) {
         String text = bodyText(message);
         SmsEncoding encoding = preferredEncoding(message, text == null ? "" : text);
         payload = SmsText.encode(text == null ? "" : text, encoding);
         dataCoding = encoding == defaultAlphabet ? 0 : encoding.smppDataCoding();
      } else {
         payload = bodyBytes(message);
         Number declared = number(message, SmsProperties.DATA_CODING);
         dataCoding = declared == null ? SmsEncoding.BINARY.smppDataCoding() : declared.intValue();
      }
      byte[] userData = payload;
      int esmClass = 0;
      if (udh != null && udh.length > 0) {
         userData = new byte[udh.length + payload.length];
         System.arraycopy(udh, 0, userData, 0, udh.length);
         System.arraycopy(payload, 0, userData, udh.length, payload.length);
         esmClass = ESM_CLASS_UDHI;
      }
      b.esmClass(esmClass).dataCoding(dataCoding);
      if (userData.length <= MAX_SHORT_MESSAGE) {
         b.shortMessage(userData);
      } else if (version34) {
         b.tlvs(Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, userData).build());
      } else {
         throw new IllegalArgumentException(userData.length + " octets do not fit one 3.3 deliver_sm");
      }
      return b;
   }

   /** Keeps the data coding the message declares when the text fits it, else the smallest that does. */
   private SmsEncoding preferredEncoding(ICoreMessage message, String text) {
      Number declared = number(message, SmsProperties.DATA_CODING);
      if (declared != null) {
         SmsEncoding encoding = declared.intValue() == 0 ? defaultAlphabet : SmsEncoding.fromSmppDataCoding(declared.intValue());
         if (encoding != SmsEncoding.BINARY && SmsText.canEncode(text, encoding)) {
            return encoding;
         }
      }
      return SmsText.canEncode(text, defaultAlphabet) ? defaultAlphabet : SmsEncoding.UCS2;
   }

   private LocalDateTime time(ICoreMessage message, SimpleString name) {
      Number millis = number(message, name);
      return millis == null || millis.longValue() <= 0 ? null : LocalDateTime.ofInstant(Instant.ofEpochMilli(millis.longValue()), zone);
   }

   private static Address address(ICoreMessage message, SimpleString name, SimpleString ton, SimpleString npi) {
      String value = string(message, name);
      Number t = number(message, ton);
      Number n = number(message, npi);
      return new Address(t == null ? 0 : t.byteValue(), n == null ? 0 : n.byteValue(), value == null ? "" : value);
   }

   /** Applications may set numeric properties with any numeric type (or as text); accept them all. */
   private static Number number(ICoreMessage message, SimpleString name) {
      Object value = message.getObjectProperty(name);
      if (value instanceof Number n) {
         return n;
      }
      if (value != null) {
         try {
            return Long.parseLong(value.toString().trim());
         } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + name + " is not a number: " + value);
         }
      }
      return null;
   }

   private static String string(ICoreMessage message, SimpleString name) {
      Object value = message.getObjectProperty(name);
      return value == null ? null : value.toString();
   }

   private static String bodyText(ICoreMessage message) {
      if (message.getType() != Message.TEXT_TYPE) {
         return null;
      }
      ActiveMQBuffer body = message.getReadOnlyBodyBuffer();
      SimpleString text = body.readNullableSimpleString();
      return text == null ? null : text.toString();
   }

   private static byte[] bodyBytes(ICoreMessage message) {
      ActiveMQBuffer body = message.getReadOnlyBodyBuffer();
      byte[] bytes = new byte[body.readableBytes()];
      body.readBytes(bytes);
      return bytes;
   }
}
