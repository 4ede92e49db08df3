package io.smsgw.smpp.client;

import java.util.ArrayList;
import java.util.List;

import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.SarSegments;
import io.smsgw.core.concat.Segment;
import io.smsgw.core.concat.SegmentFit;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.IntermediateNotifications;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.text.DataCoding;
import io.smsgw.core.text.DefaultAlphabet;
import io.smsgw.core.text.Gsm7Alphabet;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.core.time.SmppTime;
import io.smsgw.smpp.Concatenation;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;

/**
 * Turns an MT broker message into the submit_sm PDUs a link sends: text encoded for the link (GSM 7-bit
 * when the text allows, else UCS2; GBK content arrives as text and goes out as UCS2) with the message class of its
 * data_coding kept, split when longer than one segment (UDH, SAR TLVs or message_payload as configured), addresses
 * overridden as configured, and a receipt always requested. One segment of a long message keeps its concatenation:
 * its UDH, or, known by its segment properties only, SAR TLVs on 3.4 and a UDH on 3.3 links; its text goes in a coding
 * that holds it in one SMS ({@link SegmentFit#forSmpp}) or not at all. Sequence numbers are set at send time.
 */
final class SubmitSmFactory {

   /** One submit_sm and which part of the message it carries. */
   /**
    * @param smsParts how many SMS the part is on the air when it carries a long text whole in {@code message_payload}
    *                 (the SMSC cuts it), else 0: the part is one SMS
    */
   record Part(SubmitSm pdu, int segmentRef, int segmentTotal, int segmentNumber, int smsParts) {

      Part(SubmitSm pdu, int segmentRef, int segmentTotal, int segmentNumber) {
         this(pdu, segmentRef, segmentTotal, segmentNumber, 0);
      }
   }

   /** An MT no submit_sm can carry, with the status an SMSC would refuse it with. */
   static final class Unsendable extends IllegalArgumentException {
      final int status;

      Unsendable(int status, String reason) {
         super(reason);
         this.status = status;
      }
   }

   static final int ESM_UDHI = 0x40;
   /**
    * The report's error code (written as "108") for a segment no data coding holds within one SMS. Not an SMPP status:
    * 0x6C is reserved in SMPP 3.4, so no SMSC answers with it, and no other report code of the gateway's is 108.
    */
   static final int NO_FITTING_CODING = 108;
   /** The concatenation UDH an SMSC gives a segment sent with SAR TLVs (IE 0x00, decision 73). */
   private static final int SAR_HEADER = ConcatReference.Width.EIGHT_BIT.headerLength();
   private static final int REGISTERED_DELIVERY_RECEIPT = 0x01;
   private static final int MAX_OCTETS = 140;
   private static final int MAX_GSM7_SEPTETS = 160;
   private static final int MAX_UCS2_CHARS = 70;

   private final SmscLinkConfig link;
   /** What data_coding 0 means to the SMSC (its {@code default-alphabet}). */
   private final DefaultAlphabet alphabet;

   SubmitSmFactory(SmscLinkConfig link) {
      this.link = link;
      this.alphabet = link.defaultAlphabet();
   }

   /**
    * The parts of an MT.
    *
    * @param smsc34 whether the SMSC speaks 3.4: the link asked for it and the SMSC's bind answer said so
    *               (sc_interface_version). When false, submit_sm carry no TLVs (a 3.3 SMSC refuses them, or the whole
    *               PDU), long messages go with a concatenation UDH whatever {@code long-messages} says, and
    *               priority_flag is 0 or 1, as on a 3.3 link.
    */
   List<Part> create(SmsMessageReader m, boolean smsc34) {
      String destination = m.string(SmsProperties.DESTINATION, "");
      if (destination.isEmpty()) {
         throw new IllegalArgumentException("MT without smsDestination");
      }
      ShortMessagePdu.Builder b = ShortMessagePdu.builder()
         .serviceType(m.string(SmsProperties.SERVICE_TYPE, ""))
         .sourceAddr(address(m, link.sourceOverride().isEmpty() ? m.string(SmsProperties.SOURCE, "") : link.sourceOverride(),
                             SmsProperties.SOURCE_TON, SmsProperties.SOURCE_NPI, link.sourceTon(), link.sourceNpi()))
         .destinationAddr(address(m, destination, SmsProperties.DESTINATION_TON,
                                  SmsProperties.DESTINATION_NPI, link.destinationTon(), link.destinationNpi()))
         .protocolId(m.integer(SmsProperties.PROTOCOL_ID, 0) & 0xFF)
         .priorityFlag(Math.min(Math.max(m.integer(SmsProperties.PRIORITY, 0), 0), smsc34 ? 3 : 1))
         .scheduleDeliveryTime(SmppTime.formatAbsolute(m.longValue(SmsProperties.SCHEDULE_TIME, 0)))
         .validityPeriod(SmppTime.formatAbsolute(m.longValue(SmsProperties.VALIDITY_TIME, 0)))
         .registeredDelivery(registeredDelivery(m, smsc34));
      byte[] udh = m.udh();
      if (m.hasTextBody()) {
         String text = m.text("");
         // The class (flash, SIM...) and message-waiting bits of the data_coding it came with stay; only the alphabet
         // changes (decision 79).
         int declared = m.integer(SmsProperties.DATA_CODING, 0) & 0xFF;
         boolean sar = udh == null && SarSegments.isSarSegment(m);
         if (udh != null || sar) {
            // One segment of a long message: it cannot be cut again, so it goes in a coding that holds it in one SMS.
            SmsEncoding encoding = segmentEncoding(text, udh != null ? udh.length : SAR_HEADER, declared);
            if (encoding == null && sar) {
               // No room for the UDH the SMSC adds in any coding, but one SMS without it: SAR TLVs on a 3.4 link, REJECTD
               // 001 on a 3.3 link, as before (decision 43).
               encoding = segmentEncoding(text, 0, declared);
            }
            if (encoding == null) {
               throw new Unsendable(NO_FITTING_CODING, "segment of " + text.length() + " characters fits one SMS in no data coding");
            }
            int dataCoding = dataCoding(declared, encoding);
            b.dataCoding(dataCoding);
            boolean packed = dataCoding == 0 && alphabet.packed();
            if (udh != null) {
               byte[] payload = packed ? alphabet.encode(text, udh.length) : SmsText.encode(text, encoding);
               return List.of(single(b, concat(udh, payload), ESM_UDHI, m));
            }
            return List.of(segment(b, SmsText.encode(text, encoding), encoding, packed, m, smsc34));
         }
         SmsEncoding encoding = textEncoding(text, declared);
         int dataCoding = dataCoding(declared, encoding);
         b.dataCoding(dataCoding);
         boolean packed = dataCoding == 0 && alphabet.packed();
         boolean fits = switch (encoding) {
            case GSM7 -> Gsm7Alphabet.septetCount(text) <= MAX_GSM7_SEPTETS;
            case UCS2 -> text.length() <= MAX_UCS2_CHARS;
            default -> text.length() <= MAX_OCTETS; // Latin-1, ASCII: one octet a character
         };
         if (fits) {
            return List.of(single(b, packed ? alphabet.encode(text, 0) : SmsText.encode(text, encoding), 0, m));
         }
         return split(b, text, encoding, packed, SplitReference.of(m), smsc34);
      }
      byte[] data = m.bytes();
      b.dataCoding(m.integer(SmsProperties.DATA_CODING, SmsEncoding.BINARY.smppDataCoding()) & 0xFF);
      if (udh != null) {
         return List.of(single(b, concat(udh, data), ESM_UDHI, m));
      }
      if (SarSegments.isSarSegment(m)) {
         return List.of(segment(b, data, SmsEncoding.BINARY, false, m, smsc34));
      }
      if (data.length <= MAX_OCTETS) {
         return List.of(single(b, data, 0, m));
      }
      int reference = SplitReference.of(m);
      return parts(b, SmsSplitter.split(data, ConcatReference.eightBit(reference)), reference);
   }

   private Part single(ShortMessagePdu.Builder b, byte[] shortMessage, int esmClass, SmsMessageReader m) {
      return new Part(b.esmClass(esmClass).shortMessage(shortMessage).buildSubmitSm(), segmentField(m, SmsProperties.SEGMENT_REF, 65535),
                      segmentField(m, SmsProperties.SEGMENT_TOTAL, 255), segmentField(m, SmsProperties.SEGMENT_NUMBER, 255));
   }

   /**
    * A segment property an application set, within what the part's correlation record holds: one out of range was sent,
    * then could not be recorded once the SMSC took it (decision 123), so it is refused before it goes.
    */
   private static int segmentField(SmsMessageReader m, org.apache.activemq.artemis.api.core.SimpleString property, int max) {
      int value = m.integer(property, 0);
      if (value < 0 || value > max) {
         throw new Unsendable(SmppStatus.ESME_RSUBMITFAIL, property + " " + value + " is outside 0.." + max);
      }
      return value;
   }

   /**
    * The segment with its concatenation, the way the link carries long messages: a UDH with {@code long-messages =
    * udh} (the default; some SMSCs ignore SAR TLVs) and on 3.3 (no TLVs), SAR TLVs otherwise. A segment with no
    * room for its UDH goes with SAR TLVs on 3.4 and is refused on 3.3.
    */
   private Part segment(ShortMessagePdu.Builder b, byte[] userData, SmsEncoding encoding, boolean packed, SmsMessageReader m,
                        boolean smsc34) {
      int reference = segmentField(m, SmsProperties.SEGMENT_REF, 65535);
      int total = segmentField(m, SmsProperties.SEGMENT_TOTAL, 255);
      int number = segmentField(m, SmsProperties.SEGMENT_NUMBER, 255);
      byte[] withUdh = smsc34 && link.longMessages() != SmscLinkConfig.LongMessages.UDH
         ? null : SarSegments.withUdh(reference, total, number, userData, encoding);
      if (withUdh != null) {
         b.esmClass(ESM_UDHI).shortMessage(packed ? packBehindHeader(withUdh, withUdh.length - userData.length) : withUdh);
      } else if (smsc34) {
         b.esmClass(0).shortMessage(packed ? alphabet.fromSeptets(userData, 0, userData.length, 0) : userData).tlvs(Concatenation.addSar(Tlvs.builder(), reference, total, number).build());
      } else {
         throw new Unsendable(SmppStatus.ESME_RINVMSGLEN, "segment " + number + "/" + total + " does not fit one SMS with its concatenation UDH");
      }
      return new Part(b.buildSubmitSm(), reference, total, number);
   }

   /**
    * A text longer than one SMS, the way the link carries long messages. The reference comes from the message
    * ({@link SplitReference}), not from a counter: an MT the broker delivers again (its consumer closed, a failed
    * commit, a restart) goes out with the reference its first parts had, so the handset joins them rather than
    * keeping orphans. It is below 256 for SAR TLVs too, whose parts hold 153 GSM / 67 UCS2 characters (see
    * {@link SmsSplitter#splitPlain}).
    */
   private List<Part> split(ShortMessagePdu.Builder b, String text, SmsEncoding encoding, boolean packed, int reference,
                            boolean smsc34) {
      return switch (smsc34 ? link.longMessages() : SmscLinkConfig.LongMessages.UDH) {
         // One submit_sm, but the SMSC cuts it into as many SMS as the link's own split would make in this coding, and
         // bills those: the part's record says how many (smsParts), so its billing record does.
         case PAYLOAD -> List.of(new Part(b.esmClass(0).shortMessage(new byte[0])
            .tlvs(Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, packed ? alphabet.encodePayload(text) : SmsText.encode(text, encoding)).build())
            .buildSubmitSm(), 0, 0, 0, payloadSmsCount(text, encoding)));
         case SAR -> {
            List<Segment> segments = SmsSplitter.splitPlain(text, encoding);
            List<Part> parts = new ArrayList<>(segments.size());
            for (Segment s : segments) {
               Tlvs sar = Concatenation.addSar(Tlvs.builder(), reference, s.total(), s.number()).build();
               byte[] payload = packed ? alphabet.fromSeptets(s.payload(), 0, s.payload().length, 0) : s.payload();
               parts.add(new Part(b.esmClass(0).shortMessage(payload).tlvs(sar).buildSubmitSm(), reference, s.total(), s.number()));
            }
            yield parts;
         }
         case UDH -> parts(b, packed ? SmsSplitter.splitPackedGsm7(text, ConcatReference.eightBit(reference))
                                     : SmsSplitter.split(text, encoding, ConcatReference.eightBit(reference)), reference);
      };
   }

   /**
    * How many SMS a text longer than one SMS is in {@code encoding} (GSM 7-bit counts septets, packed or not), cut as
    * this link cuts its own parts (153 GSM, 67 UCS2, 134 octets behind an 8-bit reference UDH).
    */
   private static int payloadSmsCount(String text, SmsEncoding encoding) {
      return Math.min(SmsSplitter.countSegments(text, encoding, ConcatReference.Width.EIGHT_BIT), 65535);
   }

   /**
    * The coding of a text that is not one segment of a long message: the link's default alphabet when the data_coding
    * names no message class (it then goes with data_coding 0) and the alphabet holds the text; GSM 7-bit with the class
    * when there is one; else UCS2. {@code data-coding = ucs2} links: always UCS2.
    */
   private SmsEncoding textEncoding(String text, int declared) {
      if (link.ucs2Only()) {
         return SmsEncoding.UCS2;
      }
      SmsEncoding preferred = plain(declared) ? alphabet.encoding() : SmsEncoding.GSM7;
      return SmsText.canEncode(text, preferred) ? preferred : SmsEncoding.UCS2;
   }

   /**
    * The coding of one segment of a long message, which must hold it within one SMS behind a header of {@code header}
    * octets ({@link SegmentFit#forSmpp}). On a link whose data_coding 0 is Latin-1 or ASCII, GSM 7-bit without a class
    * has no data_coding at all, so such a segment goes in the link's alphabet, UCS2 or the coding it came in.
    */
   private SmsEncoding segmentEncoding(String text, int header, int declared) {
      SmsEncoding original = SmsEncoding.fromSmppDataCoding(declared);
      boolean gsm7 = !link.ucs2Only();
      if (alphabet.encoding() != SmsEncoding.GSM7 && plain(declared)) {
         if (gsm7 && SegmentFit.fits(text, alphabet.encoding(), header)) {
            return alphabet.encoding();
         }
         SmsEncoding encoding = SegmentFit.forSmpp(text, header, original, false);
         return encoding == SmsEncoding.GSM7 ? null : encoding;
      }
      return SegmentFit.forSmpp(text, header, original, gsm7);
   }

   /** Whether {@code declared} names no message class or indication, so GSM 7-bit would go with data_coding 0. */
   private static boolean plain(int declared) {
      return DataCoding.withAlphabet(declared, SmsEncoding.GSM7) == 0;
   }

   /**
    * The data_coding text of {@code encoding} goes with: 0 for the link's default alphabet when the message names no
    * class; else the declared one with the alphabet changed, the class and indication kept (decision 79).
    */
   private int dataCoding(int declared, SmsEncoding encoding) {
      return plain(declared) && encoding == alphabet.encoding() ? 0 : DataCoding.withAlphabet(declared, encoding);
   }

   /** A UDH followed by septets one per octet, with the septets packed behind the header's fill bits. */
   private byte[] packBehindHeader(byte[] udhAndSeptets, int header) {
      byte[] packed = alphabet.fromSeptets(udhAndSeptets, header, udhAndSeptets.length - header, header);
      byte[] out = java.util.Arrays.copyOf(udhAndSeptets, header + packed.length);
      System.arraycopy(packed, 0, out, header, packed.length);
      return out;
   }

   private static List<Part> parts(ShortMessagePdu.Builder b, List<Segment> segments, int reference) {
      List<Part> parts = new ArrayList<>(segments.size());
      for (Segment s : segments) {
         parts.add(new Part(b.esmClass(ESM_UDHI).shortMessage(s.shortMessage()).buildSubmitSm(), reference, s.total(), s.number()));
      }
      return parts;
   }

   private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = new byte[a.length + b.length];
      System.arraycopy(a, 0, out, 0, a.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
   }

   /**
    * A receipt for every MT (billing needs every final state); intermediate notifications too to a 3.4 SMSC (the link
    * asked for 3.4 and the bind answer said so) when an SMPP 3.4 ESME asked for them, since many SMSCs send them only
    * when asked (3.3 defines only 0 and 1, and some SMSCs refuse the bit with ESME_RINVREGDLVFLG).
    */
   private int registeredDelivery(SmsMessageReader m, boolean smsc34) {
      return smsc34 && IntermediateNotifications.requested(m.message())
         ? REGISTERED_DELIVERY_RECEIPT | IntermediateNotifications.REGISTERED_DELIVERY_BIT : REGISTERED_DELIVERY_RECEIPT;
   }

   private static Address address(SmsMessageReader m, String value, org.apache.activemq.artemis.api.core.SimpleString ton,
                                  org.apache.activemq.artemis.api.core.SimpleString npi, int configuredTon, int configuredNpi) {
      int t = configuredTon >= 0 ? configuredTon : m.integer(ton, 0);
      int n = configuredNpi >= 0 ? configuredNpi : m.integer(npi, 0);
      return new Address((byte) t, (byte) n, value);
   }

   /** The same submit_sm with another sequence number (a resend or the first send). */
   static SubmitSm withSequence(SubmitSm s, int sequence) {
      return new SubmitSm(sequence, s.serviceType(), s.sourceAddr(), s.destinationAddr(), s.esmClass(), s.protocolId(),
                          s.priorityFlag(), s.scheduleDeliveryTime(), s.validityPeriod(), s.registeredDelivery(),
                          s.replaceIfPresentFlag(), s.dataCoding(), s.smDefaultMsgId(), s.shortMessage(), s.tlvs());
   }
}
