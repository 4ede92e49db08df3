package io.smsgw.smpp.server;

import io.smsgw.core.concat.ConcatPart;
import io.smsgw.core.concat.MalformedUdhException;
import io.smsgw.core.concat.SmsParts;
import io.smsgw.core.concat.UserDataHeader;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;

/**
 * Turns the fields of submit_sm, data_sm and submit_multi into MT broker messages of the contract:
 * decoded text body (or bytes for binary data codings), segment properties from a UDH or SAR TLVs.
 */
final class MtMessageFactory {

   private static final SimpleString PROTOCOL_SMPP = SimpleString.of(SmppProtocolManagerFactory.PROTOCOL_NAME);
   private static final SimpleString VERSION_34 = SimpleString.of("3.4");
   private static final SimpleString VERSION_33 = SimpleString.of("3.3");
   private static final int ESM_UDHI = 0x40;
   /**
    * Vendor-specific status: the short_message has octets its data_coding does not define (above 0x7F in IA5/ASCII or in
    * GSM 7-bit text). SMPP 3.4 has no status for a bad data coding (5.0's ESME_RINVDCS is not available to 3.x).
    */
   static final int STATUS_UNDEFINED_OCTETS = 0x401;
   /**
    * Encoded size of an MT without text, addresses or service type: message headers, the contract's property
    * names and fixed-size values (measured: 744 bytes with a 16-digit id and an 11-character account), plus
    * room for a 15-character account and a validity time.
    */
   private static final int FIXED_ENCODE_SIZE = 832;
   /** The UDH and the three segment properties of a concatenated part. */
   private static final int SEGMENT_ENCODE_SIZE = 160;

   /** What an ESME submitted, independent of which PDU carried it. */
   record Submission(String serviceType, Address source, Address destination, int esmClass, int protocolId,
                     int priority, long scheduleTime, long validityTime, int registeredDelivery, int dataCoding,
                     byte[] userData, Tlvs tlvs) {
   }

   /** Thrown when the content cannot become a message; carries the SMPP status to answer with. */
   static final class RejectedSubmission extends Exception {
      final int status;

      RejectedSubmission(int status, String reason) {
         super(reason, null, false, false);
         this.status = status;
      }
   }

   private final SimpleString address;
   private final SimpleString account;
   private final SimpleString version;
   private final SmsEncoding defaultAlphabet;

   MtMessageFactory(String address, String account, boolean version34, SmsEncoding defaultAlphabet) {
      this.address = SimpleString.of(address);
      this.account = SimpleString.of(account);
      this.version = version34 ? VERSION_34 : VERSION_33;
      this.defaultAlphabet = defaultAlphabet;
   }

   /**
    * What a submission carries, read once for all its destinations: where its text starts after a UDH, its
    * concatenation numbers, the decoded text (null for binary content) and the SMS parts it becomes upstream.
    */
   record Content(SmsEncoding encoding, int payloadOffset, boolean segmented, int segmentRef, int segmentTotal,
                  int segmentNumber, String text, int parts) {
   }

   /** Reads the UDH or SAR TLVs and decodes the text; refuses a malformed header or inconsistent SAR TLVs. */
   Content read(Submission s) throws RejectedSubmission {
      byte[] data = s.userData();
      SmsEncoding encoding = s.dataCoding() == 0 ? defaultAlphabet : SmsEncoding.fromSmppDataCoding(s.dataCoding());
      int payloadOffset = 0;
      boolean segmented = false;
      int reference = 0;
      int total = 0;
      int number = 0;
      if ((s.esmClass() & ESM_UDHI) != 0) {
         UserDataHeader udh;
         try {
            udh = UserDataHeader.parse(data);
         } catch (MalformedUdhException e) {
            throw new RejectedSubmission(SmppStatus.ESME_RINVESMCLASS, "malformed user data header: " + e.getMessage());
         }
         if (udh.hasInvalidConcatenation()) {
            // Skipped, the part would be billed and sent as a whole message the handset cannot join.
            throw new RejectedSubmission(SmppStatus.ESME_RINVESMCLASS, "concatenation element naming no part (number 0, "
               + "above total, total 0 or a wrong element length)");
         }
         payloadOffset = udh.length();
         ConcatPart part = udh.concatPart().orElse(null);
         if (part != null) {
            segmented = true;
            reference = part.reference().value();
            total = part.total();
            number = part.number();
         }
      } else if (s.tlvs().contains(TlvTag.SAR_MSG_REF_NUM)) {
         total = s.tlvs().getU8(TlvTag.SAR_TOTAL_SEGMENTS);
         number = s.tlvs().getU8(TlvTag.SAR_SEGMENT_SEQNUM);
         reference = s.tlvs().getU16(TlvTag.SAR_MSG_REF_NUM);
         if (total < 1 || number < 1 || number > total || reference < 0) {
            throw new RejectedSubmission(SmppStatus.ESME_RINVOPTPARAMVAL, "inconsistent SAR TLVs");
         }
         segmented = true;
      }
      return content(data, payloadOffset, encoding, s.dataCoding(), segmented, reference, total, number);
   }

   /**
    * What a replace_sm's short_message becomes for a held message of {@code dataCoding}: all of it text (or octets) in
    * that coding, checked as a submit's content is, so the replacement gets the answer a submit_sm with it would
    * (decision 109).
    */
   Content readReplacement(byte[] data, int dataCoding) throws RejectedSubmission {
      SmsEncoding encoding = dataCoding == 0 ? defaultAlphabet : SmsEncoding.fromSmppDataCoding(dataCoding);
      return content(data, 0, encoding, dataCoding, false, 0, 0, 0);
   }

   private static Content content(byte[] data, int payloadOffset, SmsEncoding encoding, int dataCoding, boolean segmented,
                                  int reference, int total, int number) throws RejectedSubmission {
      int length = data.length - payloadOffset;
      // A part the ESME cut itself counts as what its content needs too, so a "segment" cannot carry a long text.
      if (encoding == SmsEncoding.BINARY) {
         return new Content(encoding, payloadOffset, segmented, reference, total, number, null, SmsParts.ofBinary(length));
      }
      // Octets the data coding does not define would decode to U+FFFD and reach the handset as such: refused instead.
      switch (SmsText.check(data, payloadOffset, length, encoding)) {
         case ODD_LENGTH:
            throw new RejectedSubmission(SmppStatus.ESME_RINVMSGLEN, "UCS2 short_message of an odd number of octets");
         case UNDEFINED_OCTETS:
            throw new RejectedSubmission(STATUS_UNDEFINED_OCTETS, "octets above 0x7F in " + encoding + " text (data_coding 0x"
               + Integer.toHexString(dataCoding) + ")");
         default:
            break;
      }
      String text = SmsText.decode(data, payloadOffset, length, encoding);
      return new Content(encoding, payloadOffset, segmented, reference, total, number, text, SmsParts.ofText(text));
   }

   /** One message for {@code s}; reads the content first (tests, single destinations). */
   CoreMessage create(long brokerId, String smsId, Submission s, long now) throws RejectedSubmission {
      return create(brokerId, smsId, s, read(s), now);
   }

   /** One message for {@code s}, whose content {@link #read} has read. */
   CoreMessage create(long brokerId, String smsId, Submission s, Content content, long now) {
      byte[] data = s.userData();
      SmsMessageBuilder m = SmsMessageBuilder.createSized(brokerId, address, SmsKind.MT, estimatedEncodeSize(s, content.encoding()))
         .id(smsId)
         .string(SmsProperties.ACCOUNT, account)
         .string(SmsProperties.PROTOCOL, PROTOCOL_SMPP)
         .string(SmsProperties.PROTOCOL_VERSION, version)
         .source(s.source().address(), s.source().ton(), s.source().npi())
         .destination(s.destination().address(), s.destination().ton(), s.destination().npi())
         .string(SmsProperties.SERVICE_TYPE, s.serviceType().isEmpty() ? null : s.serviceType())
         .integer(SmsProperties.DATA_CODING, storedDataCoding(s.dataCoding(), content.encoding()))
         .integer(SmsProperties.ESM_CLASS, s.esmClass())
         .integer(SmsProperties.PROTOCOL_ID, s.protocolId())
         .integer(SmsProperties.PRIORITY, s.priority())
         .integer(SmsProperties.REGISTERED_DELIVERY, s.registeredDelivery())
         .submitTime(now)
         .scheduleTime(s.scheduleTime())
         .validityTime(s.validityTime());

      int payloadOffset = content.payloadOffset();
      if ((s.esmClass() & ESM_UDHI) != 0) {
         m.udh(data, payloadOffset);
      }
      if (content.segmented()) {
         m.segment(content.segmentRef(), content.segmentTotal(), content.segmentNumber());
      }
      if (content.text() == null) {
         m.bytes(data, payloadOffset, data.length - payloadOffset);
      } else {
         m.text(content.text());
      }
      return m.build();
   }

   /**
    * The data_coding the contract records: the submitted one, except that 0 read as the session's Latin-1 or IA5 default
    * alphabet becomes that alphabet's own code (0x03, 0x01). 0 means GSM 7-bit to a link's {@code gsm7} SMSC, so the
    * "coding it came in" of a part that GSM 7-bit and UCS2 cannot hold in one SMS is then the right one.
    */
   static int storedDataCoding(int dataCoding, SmsEncoding read) {
      return dataCoding == 0 ? read.smppDataCoding() : dataCoding;
   }

   /**
    * Room for the whole encoded message (headers, the contract properties and the body, text at two bytes a
    * character), so encoding it for the journal fills the buffer instead of growing and copying it. A message
    * larger than the estimate still works; its buffer is grown once, as before.
    */
   static int estimatedEncodeSize(Submission s, SmsEncoding encoding) {
      int data = s.userData().length;
      // Octets become at most one character each (two octets per character in UCS2); binary stays octets.
      int body = encoding == SmsEncoding.UCS2 || encoding == SmsEncoding.BINARY ? data : 2 * data;
      int addresses = 2 * (s.source().address().length() + s.destination().address().length() + s.serviceType().length());
      boolean segmented = (s.esmClass() & ESM_UDHI) != 0 || s.tlvs().contains(TlvTag.SAR_MSG_REF_NUM);
      return FIXED_ENCODE_SIZE + body + addresses + (segmented ? SEGMENT_ENCODE_SIZE : 0);
   }
}
