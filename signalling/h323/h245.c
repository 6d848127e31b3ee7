/* signalling/h323/h245.c  H.245 type tables on the aligned-PER codec, and the media addresses of OpenLogicalChannel(Ack), fastStart and tunnelled H.245. */
#include <errno.h>
#include <string.h>

#include "h323/asn_tab.h"
#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/ras.h"

/*
 * Transcribed from MULTIMEDIA-SYSTEM-CONTROL (ITU-T H.245), in member
 * order with the extension markers of the module, with the macros of
 * asn_tab.h.  What H.323 never carries (the H.222/H.223/V.76 multiplexes
 * of H.310/H.324, RequestMode's mode descriptions, multiplex tables) is
 * U() in the root, so a message holding it fails with ENOTSUP and is
 * passed on untouched; extension additions not transcribed are X(),
 * kept as their open-type octets.  docs/h323.md lists the coverage.
 */
LK_ASN_TAB_LEAVES;

INT(t_seq, 0, 255, 0);			/* SequenceNumber */
INT(t_u8, 0, 255, 0);
INT(t_u16, 0, 65535, 0);
INT(t_u32, 0, 4294967295LL, 0);
INT(t_lcn, 1, 65535, 0);		/* LogicalChannelNumber */
INT(t_1_65536, 1, 65536, 0);
INT(t_1_256, 1, 256, 0);
INT(t_1_255, 1, 255, 0);
INT(t_0_127, 0, 127, 0);
INT(t_1_32, 1, 32, 0);
INT(t_1_4, 1, 4, 0);
INT(t_1_3600, 1, 3600, 0);
INT(t_1_19200, 1, 19200, 0);
INT(t_1_192400, 1, 192400, 0);
INT(t_0_15, 0, 15, 0);
INT(t_0_16383, 0, 16383, 0);
INT(t_0_262143, 0, 262143, 0);
INT(t_0_524287, 0, 524287, 0);
INT(t_0_1073741823, 0, 1073741823, 0);
INT(t_0_1023, 0, 1023, 0);
INT(t_0_4095, 0, 4095, 0);
INT(t_0_31, 0, 31, 0);
INT(t_0_17, 0, 17, 0);
INT(t_1_18, 1, 18, 0);
INT(t_24bit, 0, 16777215, 0);
INT(t_rtpdyn, 96, 127, 0);		/* dynamicRTPPayloadType */
INT(t_rfcnum, 1, 32768, E);
INT(t_mtn, 1, 15, 0);			/* MultiplexTableEntryNumber */
INT(t_0_192, 0, 192, 0);		/* McuNumber, TerminalNumber */
INT(t_0_3, 0, 3, 0);
INT(t_0_7, 0, 7, 0);
INT(t_27_78, 27, 78, 0);
INT(t_23_66, 23, 66, 0);
INT(t_6_17, 6, 17, 0);
INT(t_1_448, 1, 448, 0);
INT(t_1_1130, 1, 1130, 0);
INT(t_1_65535, 1, 65535, 0);
INT(t_unc, LK_ASN_NOLB, NOUB, 0);
OCT(t_oct, 0, NOUB);
OCT(t_oct1, 1, 1);
OCT(t_oct2, 2, 2);
OCT(t_oct4, 4, 4);
OCT(t_oct6, 6, 6);
OCT(t_oct8, 8, 8);
OCT(t_oct16, 16, 16);
OCT(t_oct_1_20, 1, 20);
OCT(t_oct_1_255, 1, 255);
OCT(t_oct_1_256, 1, 256);
OCT(t_oct_1_65535, 1, 65535);
BITS(t_bits_1_65535, 1, 65535);
STR(t_ia5_1_64, 1, 64, NULL, 8);
STR(t_num_1_16, 1, 16, " 0123456789", 0);	/* NumericString */
STR(t_e164, 1, 128, "0123456789#*,", 0);
STR(t_dtmf, 1, 1, "0123456789#*ABCD!", 0);	/* signalType */
/* GeneralString is not a known-multiplier type: octets with a length. */
#define t_general t_oct

/* NonStandardParameter: no extension marker in H.245. */
SEQ(t_h221, 0, 3,
    M("t35CountryCode", t_u8), M("t35Extension", t_u8),
    M("manufacturerCode", t_u16));
CHOICE(t_nsid, 0, 2, M("object", t_oid), M("h221NonStandard", t_h221));
SEQ(t_nsp, 0, 2, M("nonStandardIdentifier", t_nsid), M("data", t_oct));
SEQOF(t_nsp_list, 0, NOUB, t_nsp);
SEQ(t_nsm, E, 1, M("nonStandardData", t_nsp));

/* Generic capabilities, parameters and messages. */
CHOICE(t_capid, E, 4,
       M("standard", t_oid), M("h221NonStandard", t_nsp),
       M("uuid", t_oct16), M("domainBased", t_ia5_1_64));
CHOICE(t_paramid, E, 4,
       M("standard", t_0_127), M("h221NonStandard", t_nsp),
       M("uuid", t_oct16), M("domainBased", t_ia5_1_64));
static const struct lk_asn_type t_genparam;
SEQOF(t_genparam_list, 0, NOUB, t_genparam);
SEQOF(t_paramid_list, 0, NOUB, t_paramid);
CHOICE(t_paramval, E, 8,
       N("logical"), M("booleanArray", t_u8), M("unsignedMin", t_u16),
       M("unsignedMax", t_u16), M("unsigned32Min", t_u32),
       M("unsigned32Max", t_u32), M("octetString", t_oct),
       M("genericParameter", t_genparam_list));
SEQ(t_genparam, E, 3,
    M("parameterIdentifier", t_paramid), M("parameterValue", t_paramval),
    O("supersedes", t_paramid_list));
SEQ(t_genmsg, E, 3,
    M("messageIdentifier", t_capid),
    O("subMessageIdentifier", t_0_127),
    O("messageContent", t_genparam_list));

/* DataProtocolCapability */
SEQ(t_v42bis, E, 2,
    M("numberOfCodewords", t_1_65536), M("maximumStringLength", t_1_256));
CHOICE(t_compression, E, 1, M("v42bis", t_v42bis));
CHOICE(t_v76wcomp, E, 3,
       M("transmitCompression", t_compression),
       M("receiveCompression", t_compression),
       M("transmitAndReceiveCompression", t_compression));
CHOICE(t_dataproto, E, 7,
       M("nonStandard", t_nsp), N("v14buffered"), N("v42lapm"),
       N("hdlcFrameTunnelling"), N("h310SeparateVCStack"),
       N("h310SingleVCStack"), N("transparent"),
       N("segmentationAndReassembly"), N("hdlcFrameTunnelingwSAR"),
       N("v120"), N("separateLANStack"),
       M("v76wCompression", t_v76wcomp), N("tcp"), N("udp"));

SEQ(t_gencap, E, 6,
    M("capabilityIdentifier", t_capid), O("maxBitRate", t_u32),
    O("collapsing", t_genparam_list), O("nonCollapsing", t_genparam_list),
    O("nonCollapsingRaw", t_oct), O("transport", t_dataproto));
SEQOF(t_gencap_list, 0, NOUB, t_gencap);

/* VideoCapability: H.263's extension additions stay opaque. */
SEQ(t_h261cap, E, 5,
    O("qcifMPI", t_1_4), O("cifMPI", t_1_4),
    M("temporalSpatialTradeOffCapability", t_bool),
    M("maxBitRate", t_1_19200), M("stillImageTransmission", t_bool),
    M("videoBadMBsCap", t_bool));
SEQ(t_h262cap, E, 17,
    M("profileAndLevel-SPatML", t_bool), M("profileAndLevel-MPatLL", t_bool),
    M("profileAndLevel-MPatML", t_bool),
    M("profileAndLevel-MPatH-14", t_bool),
    M("profileAndLevel-MPatHL", t_bool),
    M("profileAndLevel-SNRatLL", t_bool),
    M("profileAndLevel-SNRatML", t_bool),
    M("profileAndLevel-SpatialatH-14", t_bool),
    M("profileAndLevel-HPatML", t_bool),
    M("profileAndLevel-HPatH-14", t_bool),
    M("profileAndLevel-HPatHL", t_bool),
    O("videoBitRate", t_0_1073741823), O("vbvBufferSize", t_0_262143),
    O("samplesPerLine", t_0_16383), O("linesPerFrame", t_0_16383),
    O("framesPerSecond", t_0_15), O("luminanceSampleRate", t_u32),
    M("videoBadMBsCap", t_bool));
SEQ(t_h263cap, E, 13,
    O("sqcifMPI", t_1_32), O("qcifMPI", t_1_32), O("cifMPI", t_1_32),
    O("cif4MPI", t_1_32), O("cif16MPI", t_1_32),
    M("maxBitRate", t_1_192400), M("unrestrictedVector", t_bool),
    M("arithmeticCoding", t_bool), M("advancedPrediction", t_bool),
    M("pbFrames", t_bool),
    M("temporalSpatialTradeOffCapability", t_bool),
    O("hrd-B", t_0_524287), O("bppMaxKb", t_u16),
    O("slowSqcifMPI", t_1_3600), O("slowQcifMPI", t_1_3600),
    O("slowCifMPI", t_1_3600), O("slowCif4MPI", t_1_3600),
    O("slowCif16MPI", t_1_3600), M("errorCompensation", t_bool),
    X("enhancementLayerInfo"), X("h263Options"));
SEQ(t_is11172vcap, E, 7,
    M("constrainedBitstream", t_bool), O("videoBitRate", t_0_1073741823),
    O("vbvBufferSize", t_0_262143), O("samplesPerLine", t_0_16383),
    O("linesPerFrame", t_0_16383), O("pictureRate", t_0_15),
    O("luminanceSampleRate", t_u32), M("videoBadMBsCap", t_bool));
static const struct lk_asn_type t_videocap;
SEQOF(t_videocap_list, 0, NOUB, t_videocap);
SEQ(t_extvideocap, E, 2,
    M("videoCapability", t_videocap_list),
    O("videoCapabilityExtension", t_gencap_list));
CHOICE(t_videocap, E, 5,
       M("nonStandard", t_nsp), M("h261VideoCapability", t_h261cap),
       M("h262VideoCapability", t_h262cap),
       M("h263VideoCapability", t_h263cap),
       M("is11172VideoCapability", t_is11172vcap),
       M("genericVideoCapability", t_gencap),
       M("extendedVideoCapability", t_extvideocap));

/* AudioCapability */
SEQ(t_g7231, 0, 2,
    M("maxAl-sduAudioFrames", t_1_256), M("silenceSuppression", t_bool));
SEQ(t_is11172acap, E, 9,
    M("audioLayer1", t_bool), M("audioLayer2", t_bool),
    M("audioLayer3", t_bool), M("audioSampling32k", t_bool),
    M("audioSampling44k1", t_bool), M("audioSampling48k", t_bool),
    M("singleChannel", t_bool), M("twoChannels", t_bool),
    M("bitRate", t_1_448));
SEQ(t_is13818acap, E, 21,
    M("audioLayer1", t_bool), M("audioLayer2", t_bool),
    M("audioLayer3", t_bool), M("audioSampling16k", t_bool),
    M("audioSampling22k05", t_bool), M("audioSampling24k", t_bool),
    M("audioSampling32k", t_bool), M("audioSampling44k1", t_bool),
    M("audioSampling48k", t_bool), M("singleChannel", t_bool),
    M("twoChannels", t_bool), M("threeChannels2-1", t_bool),
    M("threeChannels3-0", t_bool), M("fourChannels2-0-2-0", t_bool),
    M("fourChannels2-2", t_bool), M("fourChannels3-1", t_bool),
    M("fiveChannels3-0-2-0", t_bool), M("fiveChannels3-2", t_bool),
    M("lowFrequencyEnhancement", t_bool), M("multilingual", t_bool),
    M("bitRate", t_1_1130));
SEQ(t_g723cmode, E, 6,
    M("highRateMode0", t_27_78), M("highRateMode1", t_27_78),
    M("lowRateMode0", t_23_66), M("lowRateMode1", t_23_66),
    M("sidMode0", t_6_17), M("sidMode1", t_6_17));
SEQ(t_g7231c, E, 3,
    M("maxAl-sduAudioFrames", t_1_256), M("silenceSuppression", t_bool),
    O("g723AnnexCAudioMode", t_g723cmode));
SEQ(t_gsm, E, 3,
    M("audioUnitSize", t_1_256), M("comfortNoise", t_bool),
    M("scrambled", t_bool));
SEQ(t_g729ext, E, 8,
    O("audioUnit", t_1_256), M("annexA", t_bool), M("annexB", t_bool),
    M("annexD", t_bool), M("annexE", t_bool), M("annexF", t_bool),
    M("annexG", t_bool), M("annexH", t_bool));
static const struct lk_asn_type t_audiocap;
SEQ(t_vbd, E, 1, M("type", t_audiocap));
SEQ(t_noptate, E, 1, M("audioTelephoneEvent", t_general));
SEQ0(t_nopttone);
CHOICE(t_audiocap, E, 14,
       M("nonStandard", t_nsp), M("g711Alaw64k", t_1_256),
       M("g711Alaw56k", t_1_256), M("g711Ulaw64k", t_1_256),
       M("g711Ulaw56k", t_1_256), M("g722-64k", t_1_256),
       M("g722-56k", t_1_256), M("g722-48k", t_1_256),
       M("g7231", t_g7231), M("g728", t_1_256), M("g729", t_1_256),
       M("g729AnnexA", t_1_256),
       M("is11172AudioCapability", t_is11172acap),
       M("is13818AudioCapability", t_is13818acap),
       M("g729wAnnexB", t_1_256), M("g729AnnexAwAnnexB", t_1_256),
       M("g7231AnnexCCapability", t_g7231c), M("gsmFullRate", t_gsm),
       M("gsmHalfRate", t_gsm), M("gsmEnhancedFullRate", t_gsm),
       M("genericAudioCapability", t_gencap),
       M("g729Extensions", t_g729ext), M("vbd", t_vbd),
       M("audioTelephonyEvent", t_noptate), M("audioTone", t_nopttone));

/* DataApplicationCapability */
SEQ(t_t84restricted, E, 19,
    M("qcif", t_bool), M("cif", t_bool), M("ccir601Seq", t_bool),
    M("ccir601Prog", t_bool), M("hdtvSeq", t_bool), M("hdtvProg", t_bool),
    M("g3FacsMH200x100", t_bool), M("g3FacsMH200x200", t_bool),
    M("g4FacsMMR200x100", t_bool), M("g4FacsMMR200x200", t_bool),
    M("jbig200x200Seq", t_bool), M("jbig200x200Prog", t_bool),
    M("jbig300x300Seq", t_bool), M("jbig300x300Prog", t_bool),
    M("digPhotoLow", t_bool), M("digPhotoMedSeq", t_bool),
    M("digPhotoMedProg", t_bool), M("digPhotoHighSeq", t_bool),
    M("digPhotoHighProg", t_bool));
CHOICE(t_t84profile, 0, 2, N("t84Unrestricted"),
       M("t84Restricted", t_t84restricted));
SEQ(t_t84, 0, 2, M("t84Protocol", t_dataproto),
    M("t84Profile", t_t84profile));
SEQ(t_nlpid, 0, 2, M("nlpidProtocol", t_dataproto),
    M("nlpidData", t_oct));
CHOICE(t_t38ratemgmt, E, 2, N("localTCF"), N("transferredTCF"));
CHOICE(t_t38udpec, E, 2, N("t38UDPFEC"), N("t38UDPRedundancy"));
SEQ(t_t38udp, 0, 3,
    O("t38FaxMaxBuffer", t_unc), O("t38FaxMaxDatagram", t_unc),
    M("t38FaxUdpEC", t_t38udpec));
SEQ(t_t38tcp, E, 1, M("t38TCPBidirectionalMode", t_bool));
SEQ(t_t38profile, E, 3,
    M("fillBitRemoval", t_bool), M("transcodingJBIG", t_bool),
    M("transcodingMMR", t_bool),
    M("version", t_u8), M("t38FaxRateManagement", t_t38ratemgmt),
    O("t38FaxUdpOptions", t_t38udp), O("t38FaxTcpOptions", t_t38tcp));
SEQ(t_t38fax, 0, 2, M("t38FaxProtocol", t_dataproto),
    M("t38FaxProfile", t_t38profile));
CHOICE(t_dataapp_app, E, 10,
       M("nonStandard", t_nsp), M("t120", t_dataproto),
       M("dsm-cc", t_dataproto), M("userData", t_dataproto),
       M("t84", t_t84), M("t434", t_dataproto), M("h224", t_dataproto),
       M("nlpid", t_nlpid), N("dsvdControl"),
       M("h222DataPartitioning", t_dataproto),
       M("t30fax", t_dataproto), M("t140", t_dataproto),
       M("t38fax", t_t38fax), M("genericDataCapability", t_gencap));
SEQ(t_dataappcap, E, 2, M("application", t_dataapp_app),
    M("maxBitRate", t_u32));
SEQOF(t_dataappcap_list, 0, NOUB, t_dataappcap);

/* Security capabilities (H.235) as far as TCS and H235Media use them. */
CHOICE(t_mediaencalg, E, 2, M("nonStandard", t_nsp),
       M("algorithm", t_oid));
SEQOF(t_enccap, 1, 256, t_mediaencalg);
SEQ(t_authcap, E, 1, O("nonStandard", t_nsp),
    O("antiSpamAlgorithm", t_oid));
SEQ(t_intcap, E, 1, O("nonStandard", t_nsp));
SEQ(t_eaai, E, 3,
    O("encryptionCapability", t_enccap),
    O("authenticationCapability", t_authcap),
    O("integrityCapability", t_intcap),
    O("genericH235SecurityCapability", t_gencap));
SEQ(t_h235seccap, E, 2,
    M("encryptionAuthenticationAndIntegrity", t_eaai),
    M("mediaCapability", t_lcn));

/* Capability */
SEQOF(t_altcapset, 1, 256, t_lcn);	/* AlternativeCapabilitySet */
SEQOF(t_altcapset_set, 1, 256, t_altcapset);
SEQ(t_h233rx, E, 1, M("h233IVResponseTime", t_u8));
SEQ(t_confcap, E, 2,
    O("nonStandardData", t_nsp_list), M("chairControlCapability", t_bool),
    M("videoIndicateMixingCapability", t_bool),
    O("multipointVisualizationCapability", t_bool));
SEQOF(t_nsp_1_16, 1, 16, t_nsp);
CHOICE(t_uicap, E, 6,
       M("nonStandard", t_nsp_1_16), N("basicString"), N("iA5String"),
       N("generalString"), N("dtmf"), N("hookflash"),
       N("extendedAlphanumeric"), N("encryptedBasicString"),
       N("encryptedIA5String"), N("encryptedGeneralString"),
       N("secureDTMF"));
SEQ(t_ateventcap, E, 2,
    M("dynamicRTPPayloadType", t_rtpdyn),
    M("audioTelephoneEvent", t_general));
SEQ(t_atonecap, E, 1, M("dynamicRTPPayloadType", t_rtpdyn));
SEQ(t_mpscap, E, 1, M("capabilities", t_altcapset_set));
SEQOF(t_lcn_1_256, 1, 256, t_lcn);
CHOICE(t_redmethod, E, 2, M("nonStandard", t_nsp),
       N("rtpAudioRedundancyEncoding"),
       X("rtpH263VideoRedundancyEncoding"));
SEQ(t_redcap, E, 3,
    M("redundancyEncodingMethod", t_redmethod),
    M("primaryEncoding", t_lcn), O("secondaryEncoding", t_lcn_1_256));
CHOICE(t_capability, E, 12,
       M("nonStandard", t_nsp),
       M("receiveVideoCapability", t_videocap),
       M("transmitVideoCapability", t_videocap),
       M("receiveAndTransmitVideoCapability", t_videocap),
       M("receiveAudioCapability", t_audiocap),
       M("transmitAudioCapability", t_audiocap),
       M("receiveAndTransmitAudioCapability", t_audiocap),
       M("receiveDataApplicationCapability", t_dataappcap),
       M("transmitDataApplicationCapability", t_dataappcap),
       M("receiveAndTransmitDataApplicationCapability", t_dataappcap),
       M("h233EncryptionTransmitCapability", t_bool),
       M("h233EncryptionReceiveCapability", t_h233rx),
       M("conferenceCapability", t_confcap),
       M("h235SecurityCapability", t_h235seccap),
       M("maxPendingReplacementFor", t_u8),
       M("receiveUserInputCapability", t_uicap),
       M("transmitUserInputCapability", t_uicap),
       M("receiveAndTransmitUserInputCapability", t_uicap),
       M("genericControlCapability", t_gencap),
       X("receiveMultiplexedStreamCapability"),
       X("transmitMultiplexedStreamCapability"),
       X("receiveAndTransmitMultiplexedStreamCapability"),
       M("receiveRTPAudioTelephonyEventCapability", t_ateventcap),
       M("receiveRTPAudioToneCapability", t_atonecap),
       X("depFecCapability"),
       M("multiplePayloadStreamCapability", t_mpscap),
       X("fecCapability"), M("redundancyEncodingCap", t_redcap),
       M("oneOfCapabilities", t_altcapset));

/* MultiplexCapability: H.225.0 (H.323) only; H.222/H.223/V.76 are not. */
SEQ(t_mediadist, E, 8,
    M("centralizedControl", t_bool), M("distributedControl", t_bool),
    M("centralizedAudio", t_bool), M("distributedAudio", t_bool),
    M("centralizedVideo", t_bool), M("distributedVideo", t_bool),
    O("centralizedData", t_dataappcap_list),
    O("distributedData", t_dataappcap_list));
SEQOF(t_mediadist_list, 0, NOUB, t_mediadist);
SEQ(t_multipointcap, E, 3,
    M("multicastCapability", t_bool), M("multiUniCastConference", t_bool),
    M("mediaDistributionCapability", t_mediadist_list));
SEQ(t_mccap, E, 2,
    M("centralizedConferenceMC", t_bool),
    M("decentralizedConferenceMC", t_bool));
static const struct lk_asn_type t_rtppt;
SEQOF(t_rtppt_list, 1, 256, t_rtppt);
SEQ(t_mediapktcap, E, 1,
    M("h261aVideoPacketization", t_bool),
    O("rtpPayloadType", t_rtppt_list));
SEQOF(t_redcap_list, 1, 256, t_redcap);
SEQ(t_h2250cap, E, 7,
    M("maximumAudioDelayJitter", t_0_1023),
    M("receiveMultipointCapability", t_multipointcap),
    M("transmitMultipointCapability", t_multipointcap),
    M("receiveAndTransmitMultipointCapability", t_multipointcap),
    M("mcCapability", t_mccap),
    M("rtcpVideoControlCapability", t_bool),
    M("mediaPacketizationCapability", t_mediapktcap),
    X("transportCapability"),
    O("redundancyEncodingCapability", t_redcap_list),
    M("logicalChannelSwitchingCapability", t_bool),
    M("t120DynamicPortCapability", t_bool));
CHOICE(t_muxcap, E, 4,
       M("nonStandard", t_nsp), U("h222Capability"),
       U("h223Capability"), U("v76Capability"),
       M("h2250Capability", t_h2250cap),
       M("genericMultiplexCapability", t_gencap));

/* TerminalCapabilitySet and its answers (H.245 8.2) */
SEQ(t_captabentry, 0, 2,
    M("capabilityTableEntryNumber", t_lcn), O("capability", t_capability));
SEQOF(t_captab, 1, 256, t_captabentry);
SEQ(t_capdesc, 0, 2,
    M("capabilityDescriptorNumber", t_u8),
    O("simultaneousCapabilities", t_altcapset_set));
SEQOF(t_capdesc_set, 1, 256, t_capdesc);
SEQ(t_tcs, E, 5,
    M("sequenceNumber", t_seq), M("protocolIdentifier", t_oid),
    O("multiplexCapability", t_muxcap), O("capabilityTable", t_captab),
    O("capabilityDescriptors", t_capdesc_set));
SEQ(t_tcsack, E, 1, M("sequenceNumber", t_seq));
CHOICE(t_tcsrej_exceeded, 0, 2,
       M("highestEntryNumberProcessed", t_lcn), N("noneProcessed"));
CHOICE(t_tcsrej_cause, E, 4,
       N("unspecified"), N("undefinedTableEntryUsed"),
       N("descriptorCapacityExceeded"),
       M("tableEntryCapacityExceeded", t_tcsrej_exceeded));
SEQ(t_tcsrej, E, 2, M("sequenceNumber", t_seq),
    M("cause", t_tcsrej_cause));
SEQ0(t_tcsrelease);

/* MasterSlaveDetermination (H.245 8.1) */
SEQ(t_msd, E, 2, M("terminalType", t_u8),
    M("statusDeterminationNumber", t_24bit));
CHOICE(t_msd_decision, 0, 2, N("master"), N("slave"));
SEQ(t_msdack, E, 1, M("decision", t_msd_decision));
CHOICE(t_msdrej_cause, E, 1, N("identicalNumbers"));
SEQ(t_msdrej, E, 1, M("cause", t_msdrej_cause));
SEQ0(t_msdrelease);

/* Addresses: where media goes (H.245 6.2.x TransportAddress). */
SEQ(t_uc_ip, E, 2, M("network", t_oct4), M("tsapIdentifier", t_u16));
SEQ(t_uc_ipx, E, 3, M("node", t_oct6), M("netnum", t_oct4),
    M("tsapIdentifier", t_oct2));
SEQ(t_uc_ip6, E, 2, M("network", t_oct16), M("tsapIdentifier", t_u16));
CHOICE(t_routing, 0, 2, N("strict"), N("loose"));
SEQOF(t_oct4_list, 0, NOUB, t_oct4);
SEQ(t_uc_route, E, 4,
    M("routing", t_routing), M("network", t_oct4),
    M("tsapIdentifier", t_u16), M("route", t_oct4_list));
CHOICE(t_unicast, E, 5,
       M("iPAddress", t_uc_ip), M("iPXAddress", t_uc_ipx),
       M("iP6Address", t_uc_ip6), M("netBios", t_oct16),
       M("iPSourceRouteAddress", t_uc_route),
       M("nsap", t_oct_1_20), M("nonStandardAddress", t_nsp));
CHOICE(t_multicast, E, 2,
       M("iPAddress", t_uc_ip), M("iP6Address", t_uc_ip6),
       M("nsap", t_oct_1_20), M("nonStandardAddress", t_nsp));
CHOICE(t_ta, E, 2, M("unicastAddress", t_unicast),
       M("multicastAddress", t_multicast));

/* DataType (H.245 6.2.9: a root alternative must be transcribed) */
CHOICE(t_encmode, E, 2, M("nonStandard", t_nsp), N("h233Encryption"));
static const struct lk_asn_type t_datatype;
static const struct lk_asn_type t_redenc;
static const struct lk_asn_type t_mps;
CHOICE(t_h235media_type, E, 4,
       M("nonStandard", t_nsp), M("videoData", t_videocap),
       M("audioData", t_audiocap), M("data", t_dataappcap),
       M("redundancyEncoding", t_redenc),
       M("multiplePayloadStream", t_mps), X("depFec"), X("fec"));
SEQ(t_h235media, E, 2,
    M("encryptionAuthenticationAndIntegrity", t_eaai),
    M("mediaType", t_h235media_type));
SEQ(t_redencelem, E, 2, M("dataType", t_datatype),
    O("payloadType", t_0_127));
SEQOF(t_redencelem_list, 0, NOUB, t_redencelem);
SEQ(t_rtpredenc, E, 2, O("primary", t_redencelem),
    O("secondary", t_redencelem_list));
SEQ(t_redenc, E, 2,
    M("redundancyEncodingMethod", t_redmethod),
    O("secondaryEncoding", t_datatype),
    O("rtpRedundancyEncoding", t_rtpredenc));
SEQ(t_mpselem, E, 2, M("dataType", t_datatype),
    O("payloadType", t_0_127));
SEQOF(t_mpselem_list, 0, NOUB, t_mpselem);
SEQ(t_mps, E, 1, M("elements", t_mpselem_list));
CHOICE(t_datatype, E, 6,
       M("nonStandard", t_nsp), N("nullData"), M("videoData", t_videocap),
       M("audioData", t_audiocap), M("data", t_dataappcap),
       M("encryptionData", t_encmode),
       M("h235Control", t_nsp), M("h235Media", t_h235media),
       X("multiplexedStream"), M("redundancyEncoding", t_redenc),
       M("multiplePayloadStream", t_mps), X("depFec"), X("fec"));

/* H2250LogicalChannelParameters and the Ack's (H.245 6.2.10) */
SEQ(t_termlabel, E, 2, M("mcuNumber", t_0_192),
    M("terminalNumber", t_0_192));
CHOICE(t_ptdescr, E, 3,
       M("nonStandardIdentifier", t_nsp), M("rfc-number", t_rfcnum),
       M("oid", t_oid));
SEQ(t_rtppt, E, 2, M("payloadDescriptor", t_ptdescr),
    O("payloadType", t_0_127));
CHOICE(t_mediapkt, E, 1, N("h261aVideoPacketization"),
       M("rtpPayloadType", t_rtppt));
SEQ(t_h2250lcp, E, 11,
    O("nonStandard", t_nsp_list), M("sessionID", t_u8),
    O("associatedSessionID", t_1_255), O("mediaChannel", t_ta),
    O("mediaGuaranteedDelivery", t_bool), O("mediaControlChannel", t_ta),
    O("mediaControlGuaranteedDelivery", t_bool),
    O("silenceSuppression", t_bool), O("destination", t_termlabel),
    O("dynamicRTPPayloadType", t_rtpdyn),
    O("mediaPacketization", t_mediapkt),
    X("transportCapability"), O("redundancyEncoding", t_redenc),
    O("source", t_termlabel));
SEQ(t_h2250lcackp, E, 5,
    O("nonStandard", t_nsp_list), O("sessionID", t_1_255),
    O("mediaChannel", t_ta), O("mediaControlChannel", t_ta),
    O("dynamicRTPPayloadType", t_rtpdyn),
    M("flowControlToZero", t_bool), O("portNumber", t_u16));

/* OpenLogicalChannel and its answers (H.245 8.4) */
CHOICE(t_distribution, E, 2, N("unicast"), N("multicast"));
CHOICE(t_q2931addr_a, E, 2, M("internationalNumber", t_num_1_16),
       M("nsapAddress", t_oct_1_20));
SEQ(t_q2931addr, E, 2, M("address", t_q2931addr_a),
    O("subaddress", t_oct_1_20));
CHOICE(t_netaddr, E, 3, M("q2931Address", t_q2931addr),
       M("e164Address", t_e164), M("localAreaAddress", t_ta));
CHOICE(t_t120setup, E, 3, N("originateCall"), N("waitForCall"),
       N("issueQuery"));
SEQ(t_netaccess, E, 4,
    O("distribution", t_distribution), M("networkAddress", t_netaddr),
    M("associateConference", t_bool),
    O("externalReference", t_oct_1_255),
    O("t120SetupProcedure", t_t120setup));
SEQ(t_escrow, E, 2, M("escrowID", t_oid),
    M("escrowValue", t_bits_1_65535));
SEQOF(t_escrow_list, 1, 256, t_escrow);
SEQ(t_encsync, E, 4,
    O("nonStandard", t_nsp), M("synchFlag", t_u8),
    M("h235Key", t_oct_1_65535), O("escrowentry", t_escrow_list),
    O("genericParameter", t_genparam));
CHOICE(t_olc_fwd_mux, E, 3,
       U("h222LogicalChannelParameters"),
       U("h223LogicalChannelParameters"),
       U("v76LogicalChannelParameters"),
       M("h2250LogicalChannelParameters", t_h2250lcp), N("none"));
SEQ(t_olc_fwd, E, 3,
    O("portNumber", t_u16), M("dataType", t_datatype),
    M("multiplexParameters", t_olc_fwd_mux),
    O("forwardLogicalChannelDependency", t_lcn),
    O("replacementFor", t_lcn));
CHOICE(t_olc_rev_mux, E, 2,
       U("h223LogicalChannelParameters"),
       U("v76LogicalChannelParameters"),
       M("h2250LogicalChannelParameters", t_h2250lcp));
SEQ(t_olc_rev, E, 2,
    M("dataType", t_datatype), O("multiplexParameters", t_olc_rev_mux),
    O("reverseLogicalChannelDependency", t_lcn),
    O("replacementFor", t_lcn));
/*
 * genericInformation (H.245 v9 on): H.460.19 puts its
 * TraversalParameters there (signalling/h323/h46019.h).
 */
SEQOF(t_geninfo_list, 0, NOUB, t_genmsg);
SEQ(t_olc, E, 3,
    M("forwardLogicalChannelNumber", t_lcn),
    M("forwardLogicalChannelParameters", t_olc_fwd),
    O("reverseLogicalChannelParameters", t_olc_rev),
    O("separateStack", t_netaccess), O("encryptionSync", t_encsync),
    O("genericInformation", t_geninfo_list));
CHOICE(t_olcack_rev_mux, E, 1,
       U("h222LogicalChannelParameters"),
       M("h2250LogicalChannelParameters", t_h2250lcp));
SEQ(t_olcack_rev, E, 3,
    M("reverseLogicalChannelNumber", t_lcn), O("portNumber", t_u16),
    O("multiplexParameters", t_olcack_rev_mux),
    O("replacementFor", t_lcn));
CHOICE(t_olcack_fwd_mux, E, 1,
       M("h2250LogicalChannelAckParameters", t_h2250lcackp));
SEQ(t_olcack, E, 2,
    M("forwardLogicalChannelNumber", t_lcn),
    O("reverseLogicalChannelParameters", t_olcack_rev),
    O("separateStack", t_netaccess),
    O("forwardMultiplexAckParameters", t_olcack_fwd_mux),
    O("encryptionSync", t_encsync),
    O("genericInformation", t_geninfo_list));
CHOICE(t_olcrej_cause, E, 6,
       N("unspecified"), N("unsuitableReverseParameters"),
       N("dataTypeNotSupported"), N("dataTypeNotAvailable"),
       N("unknownDataType"), N("dataTypeALCombinationNotSupported"),
       N("multicastChannelNotAllowed"), N("insufficientBandwidth"),
       N("separateStackEstablishmentFailed"), N("invalidSessionID"),
       N("masterSlaveConflict"), N("waitForCommunicationMode"),
       N("invalidDependentChannel"), N("replacementForRejected"),
       N("securityDenied"));
SEQ(t_olcrej, E, 2, M("forwardLogicalChannelNumber", t_lcn),
    M("cause", t_olcrej_cause));
SEQ(t_lcnonly, E, 1, M("forwardLogicalChannelNumber", t_lcn));

/* CloseLogicalChannel, RequestChannelClose (H.245 8.5, 8.6) */
CHOICE(t_clc_source, 0, 2, N("user"), N("lcse"));
CHOICE(t_clc_reason, E, 3, N("unknown"), N("reopen"),
       N("reservationFailure"));
SEQ(t_clc, E, 2, M("forwardLogicalChannelNumber", t_lcn),
    M("source", t_clc_source), O("reason", t_clc_reason));
CHOICE(t_rcc_reason, E, 4, N("unknown"), N("normal"), N("reopen"),
       N("reservationFailure"));
SEQ(t_rcc, E, 1, M("forwardLogicalChannelNumber", t_lcn),
    X("qosCapability"), O("reason", t_rcc_reason));
CHOICE(t_rccrej_cause, E, 1, N("unspecified"));
SEQ(t_rccrej, E, 2, M("forwardLogicalChannelNumber", t_lcn),
    M("cause", t_rccrej_cause));

/* Multiplex tables (H.223 only): the answers and releases are small. */
SEQOF(t_mtn_set, 1, 15, t_mtn);
SEQ(t_mesack, E, 2, M("sequenceNumber", t_seq),
    M("multiplexTableEntryNumber", t_mtn_set));
SEQ(t_mesrelease, E, 1, M("multiplexTableEntryNumber", t_mtn_set));
SEQ(t_rmerelease, E, 1, M("entryNumbers", t_mtn_set));

/* RequestMode answers; RequestMode itself is not transcribed. */
CHOICE(t_rmack_resp, E, 2, N("willTransmitMostPreferredMode"),
       N("willTransmitLessPreferredMode"));
SEQ(t_rmack, E, 2, M("sequenceNumber", t_seq),
    M("response", t_rmack_resp));
CHOICE(t_rmrej_cause, E, 3, N("modeUnavailable"),
       N("multipointConstraint"), N("requestDenied"));
SEQ(t_rmrej, E, 2, M("sequenceNumber", t_seq),
    M("cause", t_rmrej_cause));
SEQ0(t_rmrelease);

/* RoundTripDelay and MaintenanceLoop (H.245 8.9, 8.10) */
SEQ(t_rtd, E, 1, M("sequenceNumber", t_seq));
CHOICE(t_ml_type, E, 3, N("systemLoop"), M("mediaLoop", t_lcn),
       M("logicalChannelLoop", t_lcn));
SEQ(t_ml, E, 1, M("type", t_ml_type));
CHOICE(t_mlrej_cause, E, 1, N("canNotPerformLoop"));
SEQ(t_mlrej, E, 2, M("type", t_ml_type), M("cause", t_mlrej_cause));
SEQ0(t_mloff);

/* Commands */
SEQOF(t_lcn_set, 1, 65535, t_lcn);
SEQOF(t_u8_set, 1, 256, t_u8);
SEQ(t_stcs_specific, E, 3,
    M("multiplexCapability", t_bool),
    O("capabilityTableEntryNumbers", t_lcn_set),
    O("capabilityDescriptorNumbers", t_u8_set));
CHOICE(t_stcs, E, 2, M("specificRequest", t_stcs_specific),
       N("genericRequest"));
SEQ(t_encalgid, 0, 2, M("h233AlgorithmIdentifier", t_seq),
    M("associatedAlgorithm", t_nsp));
CHOICE(t_enccmd, E, 3, M("encryptionSE", t_oct),
       N("encryptionIVRequest"), M("encryptionAlgorithmID", t_encalgid));
CHOICE(t_fc_scope, 0, 3, M("logicalChannelNumber", t_lcn),
       M("resourceID", t_u16), N("wholeMultiplex"));
CHOICE(t_fc_restriction, 0, 2, M("maximumBitRate", t_24bit),
       N("noRestriction"));
SEQ(t_fc, E, 2, M("scope", t_fc_scope),
    M("restriction", t_fc_restriction));
CHOICE(t_gstn, E, 5, N("telephonyMode"), N("v8bis"), N("v34DSVD"),
       N("v34DuplexFAX"), N("v34H324"));
CHOICE(t_isdn, E, 3, N("telephonyMode"), N("v140"),
       N("terminalOnHold"));
CHOICE(t_endsession, E, 3, M("nonStandard", t_nsp), N("disconnect"),
       M("gstnOptions", t_gstn), M("isdnOptions", t_isdn));
SEQ(t_fugob, 0, 2, M("firstGOB", t_0_17), M("numberOfGOBs", t_1_18));
CHOICE(t_misccmd_type, E, 10,
       N("equaliseDelay"), N("zeroDelay"), N("multipointModeCommand"),
       N("cancelMultipointModeCommand"), N("videoFreezePicture"),
       N("videoFastUpdatePicture"), M("videoFastUpdateGOB", t_fugob),
       M("videoTemporalSpatialTradeOff", t_0_31),
       N("videoSendSyncEveryGOB"), N("videoSendSyncEveryGOBCancel"),
       X("videoFastUpdateMB"), X("maxH223MUXPDUsize"),
       X("encryptionUpdate"), X("encryptionUpdateRequest"),
       N("switchReceiveMediaOff"), N("switchReceiveMediaOn"),
       X("progressiveRefinementStart"),
       N("progressiveRefinementAbortOne"),
       N("progressiveRefinementAbortContinuous"), X("videoBadMBs"),
       X("lostPicture"), X("lostPartialPicture"),
       X("recoveryReferencePicture"), X("encryptionUpdateCommand"),
       X("encryptionUpdateAck"));
SEQ(t_misccmd, E, 2, M("logicalChannelNumber", t_lcn),
    M("type", t_misccmd_type), X("direction"));

/* Indications */
static const struct lk_asn_type t_request;
static const struct lk_asn_type t_response;
static const struct lk_asn_type t_command;
CHOICE(t_fnu, 0, 3, M("request", t_request), M("response", t_response),
       M("command", t_command));
CHOICE(t_miscind_type, E, 10,
       N("logicalChannelActive"), N("logicalChannelInactive"),
       N("multipointConference"), N("cancelMultipointConference"),
       N("multipointZeroComm"), N("cancelMultipointZeroComm"),
       N("multipointSecondaryStatus"),
       N("cancelMultipointSecondaryStatus"),
       N("videoIndicateReadyToActivate"),
       M("videoTemporalSpatialTradeOff", t_0_31),
       X("videoNotDecodedMBs"), X("transportCapability"));
SEQ(t_miscind, E, 2, M("logicalChannelNumber", t_lcn),
    M("type", t_miscind_type));
SEQ(t_jitter, E, 5,
    M("scope", t_fc_scope), M("estimatedReceivedJitterMantissa", t_0_3),
    M("estimatedReceivedJitterExponent", t_0_7),
    O("skippedFrameCount", t_0_15),
    O("additionalDecoderBuffer", t_0_262143));
SEQ(t_skew, E, 3, M("logicalChannelNumber1", t_lcn),
    M("logicalChannelNumber2", t_lcn), M("skew", t_0_4095));
SEQ(t_maxskew, E, 3, M("logicalChannelNumber1", t_lcn),
    M("logicalChannelNumber2", t_lcn), M("maximumSkew", t_0_4095));
SEQ(t_mclocation, E, 1, M("signalAddress", t_ta));
SEQ(t_vendorid, E, 3, M("vendor", t_nsid),
    O("productNumber", t_oct_1_256), O("versionNumber", t_oct_1_256));
CHOICE(t_fns_cause, E, 3, N("syntaxError"), N("semanticError"),
       N("unknownFunction"));
SEQ(t_fns, E, 2, M("cause", t_fns_cause),
    O("returnedFunction", t_oct));
CHOICE(t_uisupport, E, 4,
       M("nonStandard", t_nsp), N("basicString"), N("iA5String"),
       N("generalString"), N("encryptedBasicString"),
       N("encryptedIA5String"), N("encryptedGeneralString"));
SEQ(t_ui_rtp, E, 3, O("timestamp", t_u32), O("expirationTime", t_u32),
    M("logicalChannelNumber", t_lcn));
SEQ(t_ui_params, E, 3, O("iv8", t_oct8), O("iv16", t_oct16),
    O("iv", t_oct));
SEQ(t_ui_signal, E, 3,
    M("signalType", t_dtmf), O("duration", t_1_65535),
    O("rtp", t_ui_rtp), O("rtpPayloadIndication", t_null),
    O("paramS", t_ui_params), O("encryptedSignalType", t_oct1),
    O("algorithmOID", t_oid));
SEQ(t_ui_upd_rtp, E, 1, M("logicalChannelNumber", t_lcn));
SEQ(t_ui_update, E, 2, M("duration", t_1_65535),
    O("rtp", t_ui_upd_rtp));
SEQ(t_ui_encalpha, E, 3, M("algorithmOID", t_oid),
    O("paramS", t_ui_params), M("encrypted", t_oct));
SEQ(t_ui_extalpha, E, 2, M("alphanumeric", t_general),
    O("rtpPayloadIndication", t_null),
    O("encryptedAlphanumeric", t_ui_encalpha));
CHOICE(t_userinput, E, 2,
       M("nonStandard", t_nsp), M("alphanumeric", t_general),
       M("userInputSupportIndication", t_uisupport),
       M("signal", t_ui_signal), M("signalUpdate", t_ui_update),
       M("extendedAlphanumeric", t_ui_extalpha),
       M("encryptedAlphanumeric", t_ui_encalpha));

/* The four message classes (H.245 6.3) */
CHOICE(t_request, E, 11,
       M("nonStandard", t_nsm),
       M("masterSlaveDetermination", t_msd),
       M("terminalCapabilitySet", t_tcs),
       M("openLogicalChannel", t_olc),
       M("closeLogicalChannel", t_clc),
       M("requestChannelClose", t_rcc),
       U("multiplexEntrySend"), U("requestMultiplexEntry"),
       U("requestMode"), M("roundTripDelayRequest", t_rtd),
       M("maintenanceLoopRequest", t_ml),
       X("communicationModeRequest"), X("conferenceRequest"),
       X("multilinkRequest"), X("logicalChannelRateRequest"),
       M("genericRequest", t_genmsg));
CHOICE(t_response, E, 19,
       M("nonStandard", t_nsm),
       M("masterSlaveDeterminationAck", t_msdack),
       M("masterSlaveDeterminationReject", t_msdrej),
       M("terminalCapabilitySetAck", t_tcsack),
       M("terminalCapabilitySetReject", t_tcsrej),
       M("openLogicalChannelAck", t_olcack),
       M("openLogicalChannelReject", t_olcrej),
       M("closeLogicalChannelAck", t_lcnonly),
       M("requestChannelCloseAck", t_lcnonly),
       M("requestChannelCloseReject", t_rccrej),
       M("multiplexEntrySendAck", t_mesack),
       U("multiplexEntrySendReject"),
       U("requestMultiplexEntryAck"), U("requestMultiplexEntryReject"),
       M("requestModeAck", t_rmack), M("requestModeReject", t_rmrej),
       M("roundTripDelayResponse", t_rtd),
       M("maintenanceLoopAck", t_ml),
       M("maintenanceLoopReject", t_mlrej),
       X("communicationModeResponse"), X("conferenceResponse"),
       X("multilinkResponse"), X("logicalChannelRateAcknowledge"),
       X("logicalChannelRateReject"), M("genericResponse", t_genmsg));
CHOICE(t_command, E, 7,
       M("nonStandard", t_nsm),
       M("maintenanceLoopOffCommand", t_mloff),
       M("sendTerminalCapabilitySet", t_stcs),
       M("encryptionCommand", t_enccmd),
       M("flowControlCommand", t_fc),
       M("endSessionCommand", t_endsession),
       M("miscellaneousCommand", t_misccmd),
       X("communicationModeCommand"), X("conferenceCommand"),
       X("h223MultiplexReconfiguration"), X("newATMVCCommand"),
       X("mobileMultilinkReconfigurationCommand"),
       M("genericCommand", t_genmsg));
CHOICE(t_indication, E, 14,
       M("nonStandard", t_nsm),
       M("functionNotUnderstood", t_fnu),
       M("masterSlaveDeterminationRelease", t_msdrelease),
       M("terminalCapabilitySetRelease", t_tcsrelease),
       M("openLogicalChannelConfirm", t_lcnonly),
       M("requestChannelCloseRelease", t_lcnonly),
       M("multiplexEntrySendRelease", t_mesrelease),
       M("requestMultiplexEntryRelease", t_rmerelease),
       M("requestModeRelease", t_rmrelease),
       M("miscellaneousIndication", t_miscind),
       M("jitterIndication", t_jitter),
       M("h223SkewIndication", t_skew),
       U("newATMVCIndication"),
       M("userInput", t_userinput),
       M("h2250MaximumSkewIndication", t_maxskew),
       M("mcLocationIndication", t_mclocation),
       X("conferenceIndication"),
       M("vendorIdentification", t_vendorid),
       M("functionNotSupported", t_fns),
       X("multilinkIndication"), X("logicalChannelRateRelease"),
       M("flowControlIndication", t_fc),
       X("mobileMultilinkReconfigurationIndication"),
       M("genericIndication", t_genmsg));

static const struct lk_asn_member msg_m[] = {
	M("request", t_request), M("response", t_response),
	M("command", t_command), M("indication", t_indication),
};

const struct lk_asn_type lk_h245_message = {
	.name = "MultimediaSystemControlMessage", .kind = LK_ASN_CHOICE,
	.flags = LK_ASN_EXT, .nroot = 4, .next = 0, .members = msg_m,
};

/*
 * H.460.19 (MEDIA-TRAVERSAL) TraversalParameters: its TransportAddresses
 * are H.245's, its keepAliveInterval H.225.0's TimeToLive (INTEGER
 * (1..4294967295)).  Exported as lk_h46019_tp through h46019.h.
 */
INT(t_ttl, 1, 4294967295LL, 0);
static const struct lk_asn_member tp_m[] = {
	O("multiplexedMediaChannel", t_ta),
	O("multiplexedMediaControlChannel", t_ta),
	O("multiplexID", t_u32), O("keepAliveChannel", t_ta),
	O("keepAlivePayloadType", t_0_127), O("keepAliveInterval", t_ttl),
};

const struct lk_asn_type lk_h46019_tp = {
	.name = "TraversalParameters", .kind = LK_ASN_SEQ,
	.flags = LK_ASN_EXT, .nroot = 6, .next = 0, .members = tp_m,
};

const struct lk_asn_type lk_h245_olc = {
	.name = "OpenLogicalChannel", .kind = LK_ASN_SEQ, .flags = LK_ASN_EXT,
	.nroot = 3, .next = NELEM(t_olc_m) - 3, .members = t_olc_m,
};

int lk_h245_decode(const uint8_t *buf, size_t len, struct lk_asn_arena *ar,
		   struct lk_asn_val **msgp, size_t *errbit)
{
	return lk_asn_decode(&lk_h245_message, buf, len, ar, msgp, errbit);
}

/* One fastStart element: an OpenLogicalChannel on its own (H.225.0). */
int lk_h245_olc_decode(const uint8_t *buf, size_t len,
		       struct lk_asn_arena *ar, struct lk_asn_val **olcp,
		       size_t *errbit)
{
	return lk_asn_decode(&lk_h245_olc, buf, len, ar, olcp, errbit);
}

int lk_h245_encode(const struct lk_asn_val *v, uint8_t *buf, size_t cap,
		   size_t *len)
{
	if (!v || (v->type != &lk_h245_message && v->type != &lk_h245_olc))
		return EINVAL;
	return lk_asn_encode(v, buf, cap, len);
}

/* "terminalCapabilitySet", "openLogicalChannelAck"...: the message. */
const char *lk_h245_kind(const struct lk_asn_val *msg)
{
	if (!msg || msg->type != &lk_h245_message || !msg->u.choice.v)
		return NULL;
	if (msg->u.choice.idx >= lk_h245_message.nroot)
		return "?";	/* a message class newer than H.245 v7+ */
	return lk_asn_choice_name(msg->u.choice.v);
}

/*
 * The message's kind from its first bits only (X.691 22: the class, then
 * the alternative), even when the rest does not decode: a caller that
 * got ENOTSUP from lk_h245_media_addrs() learns whether the message it
 * passes on untouched is one that carries media addresses
 * (openLogicalChannel, openLogicalChannelAck) or not.  "?" for an
 * alternative newer than the tables; EBADMSG when even this much is not
 * there.
 */
int lk_h245_peek(const uint8_t *pdu, size_t len, const char **kind)
{
	struct lk_per_reader r;
	const struct lk_asn_type *t;
	uint64_t ext, k;
	int64_t x;
	int err;

	if (!pdu || !kind)
		return EINVAL;
	lk_per_reader_init(&r, pdu, len);
	err = lk_per_get_bits(&r, 1, &ext);
	if (!err && ext) {
		*kind = "?";		/* a message class newer than ours */
		return 0;
	}
	if (!err)
		err = lk_per_get_cons(&r, 0, lk_h245_message.nroot - 1, &x);
	if (err)
		return EBADMSG;
	t = lk_h245_message.members[x].type;
	err = lk_per_get_bits(&r, 1, &ext);
	if (!err && ext)
		err = lk_per_get_nsnn(&r, &k);
	else if (!err) {
		err = lk_per_get_cons(&r, 0, t->nroot - 1, &x);
		k = (uint64_t)x;
	}
	if (err)
		return EBADMSG;
	if (ext)
		k += t->nroot;
	*kind = k < (uint64_t)t->nroot + t->next ? t->members[k].name : "?";
	return 0;
}

/* A value kept as open-type octets where a transcribed one was due. */
static bool opaque(const struct lk_asn_val *v)
{
	return v && v->type && v->type->kind == LK_ASN_OPEN;
}

/* The kind of media a DataType carries, through H.235 media. */
static const char *media_of(const struct lk_asn_val *dt)
{
	const char *k = lk_asn_choice_name(dt);

	if (k && !strcmp(k, "h235Media"))
		k = lk_asn_choice_name(lk_asn_get(dt, "h235Media.mediaType"));
	if (!k)
		return NULL;
	if (!strcmp(k, "audioData"))
		return "audio";
	if (!strcmp(k, "videoData"))
		return "video";
	if (!strcmp(k, "data"))
		return "data";
	return NULL;
}

struct walk {
	struct lk_h245_addr a;	/* what the next address is for */
	lk_h245_addr_h *h;
	lk_h245_chan_h *ch;	/* NULL: no channel handler */
	struct lk_asn_arena *ar;	/* for ch's changes */
	void *arg;
	unsigned changed;
	int unseen;		/* ENOTSUP: an opaque value on a path */
};

/*
 * lk_asn_get() one name at a time: a transcribed extension addition can
 * still be kept opaque (a fragmented length, an untranscribed root
 * alternative inside it), and an address inside it would go unseen
 * without a word.  Such a step sets w->unseen.
 */
static struct lk_asn_val *get(struct walk *w, struct lk_asn_val *v,
			      const char *path)
{
	char name[64];

	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(name))
			return NULL;
		memcpy(name, path, n);
		name[n] = 0;
		v = lk_asn_get(v, name);
		if (opaque(v)) {
			w->unseen = ENOTSUP;
			return NULL;
		}
		path += n + (dot ? 1 : 0);
	}
	return v;
}

/*
 * One H.245 TransportAddress: an IPv4 unicastAddress goes to the handler
 * and is written back when changed.  Multicast, IPv6 and the other forms
 * are left as they are (docs/h323.md).
 */
static int visit_ta(struct walk *w, struct lk_asn_val *ta,
		    enum lk_h245_addr_kind kind)
{
	struct lk_asn_val *net, *port;
	struct sockaddr_in was;
	int err;

	if (!ta)
		return 0;
	net = get(w, ta, "unicastAddress.iPAddress.network");
	port = get(w, ta, "unicastAddress.iPAddress.tsapIdentifier");
	if (!net || !port || net->u.str.len != 4)
		return 0;
	w->a.kind = kind;
	memset(&w->a.addr, 0, sizeof(w->a.addr));
	w->a.addr.sin_family = AF_INET;
	memcpy(&w->a.addr.sin_addr, net->u.str.p, 4);
	w->a.addr.sin_port = htons((uint16_t)port->u.i);
	was = w->a.addr;
	err = w->h(&w->a, w->arg);
	if (err)
		return err;
	if (!memcmp(&was.sin_addr, &w->a.addr.sin_addr, 4) &&
	    was.sin_port == w->a.addr.sin_port)
		return 0;
	/* The network octets are the arena's copy, never the input's. */
	memcpy(net->u.str.p, &w->a.addr.sin_addr, 4);
	port->u.i = ntohs(w->a.addr.sin_port);
	w->changed++;
	return 0;
}

/* H2250LogicalChannelParameters or H2250LogicalChannelAckParameters. */
static int visit_lcp(struct walk *w, struct lk_asn_val *lcp)
{
	struct lk_asn_val *s;
	int err;

	if (!lcp)
		return 0;
	if (opaque(lcp))
		return ENOTSUP;
	s = get(w, lcp, "sessionID");
	w->a.session = s ? (uint8_t)s->u.i : 0;
	err = visit_ta(w, get(w, lcp, "mediaChannel"), LK_H245_MEDIA);
	if (!err)
		err = visit_ta(w, get(w, lcp, "mediaControlChannel"),
			       LK_H245_MEDIA_CONTROL);
	return err;
}

/* The forward logical channel number of an OLC or OLCAck value. */
static void chan_lcn(struct lk_h245_chan *c, const struct lk_asn_val *v)
{
	const struct lk_asn_val *lcn;

	lcn = lk_asn_get(v, "forwardLogicalChannelNumber");
	c->channel = lcn && lcn->type && lcn->type->kind == LK_ASN_INT ?
		(uint16_t)lcn->u.i : 0;
}

/*
 * After the addresses of an OpenLogicalChannel or its Ack: the channel
 * handler sees (and may change) the message's own members, such as its
 * genericInformation.
 */
static int visit_chan(struct walk *w, struct lk_asn_val *v, uint8_t session)
{
	struct lk_h245_chan c;
	int err;

	if (!w->ch || !w->ar)
		return 0;
	memset(&c, 0, sizeof(c));
	c.ack = w->a.ack;
	c.fast_start = w->a.fast_start;
	c.tunnelled = w->a.tunnelled;
	c.session = session;
	c.media = w->a.media;
	c.v = v;
	c.ar = w->ar;
	chan_lcn(&c, v);
	err = w->ch(&c, w->arg);
	if (!err && c.changed)
		w->changed++;
	return err;
}

static int walk_olc(struct walk *w, struct lk_asn_val *olc)
{
	struct lk_asn_val *fwd, *rev, *lcn;
	const char *media;
	uint8_t session;
	int err;

	lcn = get(w, olc, "forwardLogicalChannelNumber");
	fwd = get(w, olc, "forwardLogicalChannelParameters");
	w->a.msg = "openLogicalChannel";
	w->a.ack = false;
	w->a.reverse = false;
	w->a.channel = lcn ? (uint16_t)lcn->u.i : 0;
	w->a.media = media_of(get(w, fwd, "dataType"));
	err = visit_lcp(w, get(w, fwd,
		"multiplexParameters.h2250LogicalChannelParameters"));
	session = w->a.session;
	media = w->a.media;
	rev = get(w, olc, "reverseLogicalChannelParameters");
	if (!err && rev) {
		w->a.reverse = true;
		w->a.media = media_of(get(w, rev, "dataType"));
		err = visit_lcp(w, get(w, rev,
			"multiplexParameters.h2250LogicalChannelParameters"));
	}
	w->a.media = media;
	w->a.reverse = false;
	return err ? err : visit_chan(w, olc, session);
}

static int walk_olcack(struct walk *w, struct lk_asn_val *ack)
{
	struct lk_asn_val *rev, *lcn;
	uint8_t session;
	int err;

	lcn = get(w, ack, "forwardLogicalChannelNumber");
	w->a.msg = "openLogicalChannelAck";
	w->a.ack = true;
	w->a.reverse = false;
	w->a.media = NULL;	/* the OLC it answers said */
	w->a.channel = lcn ? (uint16_t)lcn->u.i : 0;
	err = visit_lcp(w, get(w, ack, "forwardMultiplexAckParameters."
				      "h2250LogicalChannelAckParameters"));
	session = w->a.session;
	rev = get(w, ack, "reverseLogicalChannelParameters");
	if (!err && rev) {
		lcn = get(w, rev, "reverseLogicalChannelNumber");
		w->a.reverse = true;
		w->a.channel = lcn ? (uint16_t)lcn->u.i : 0;
		err = visit_lcp(w, get(w, rev,
			"multiplexParameters.h2250LogicalChannelParameters"));
	}
	w->a.reverse = false;
	return err ? err : visit_chan(w, ack, session);
}

/* A decoded message or OpenLogicalChannel: every media address in it. */
static int walk_h245(struct walk *w, struct lk_asn_val *v)
{
	struct lk_asn_val *x;

	if (!v || !v->type)
		return EINVAL;
	if (v->type == &lk_h245_olc)
		return walk_olc(w, v);
	if (v->type != &lk_h245_message)
		return EINVAL;
	if ((x = get(w, v, "request.openLogicalChannel")))
		return opaque(x) ? ENOTSUP : walk_olc(w, x);
	if ((x = get(w, v, "response.openLogicalChannelAck")))
		return opaque(x) ? ENOTSUP : walk_olcack(w, x);
	return 0;
}

/*
 * Hand every IPv4 mediaChannel / mediaControlChannel of a decoded H.245
 * message (or fastStart OpenLogicalChannel) to h, writing the changes
 * back into the tree; *changed counts the addresses h changed.  Only
 * OpenLogicalChannel and OpenLogicalChannelAck carry them (H.245 8.4).
 * ENOTSUP: the parameters that would hold them were not transcribed.
 */
int lk_h245_walk_addrs(struct lk_asn_val *v, bool fast_start,
		       lk_h245_addr_h *h, void *arg, unsigned *changed)
{
	struct walk w;
	int err;

	if (!h)
		return EINVAL;
	memset(&w, 0, sizeof(w));
	w.h = h;
	w.arg = arg;
	w.a.fast_start = fast_start;
	err = walk_h245(&w, v);
	if (!err)
		err = w.unseen;
	if (!err && changed)
		*changed = w.changed;
	return err;
}

/*
 * Decode one H.245 message (fast_start: one fastStart OpenLogicalChannel)
 * from pdu, let h see and change its media addresses, and write the
 * result to out (which may be pdu itself).  When h changed nothing, out
 * gets the input octets as they were; otherwise the re-encoded message.
 * Errors: those of the decoder (EBADMSG, ENOTSUP, ENOMEM: pass the
 * message on untouched or drop it, never half-rewritten), the handler's,
 * ENOSPC when out is too small.
 */
int lk_h245_media_addrs(struct lk_asn_arena *ar, bool fast_start,
			const uint8_t *pdu, size_t len, lk_h245_addr_h *h,
			void *arg, uint8_t *out, size_t cap, size_t *outlen)
{
	return lk_h245_media_chans(ar, fast_start, pdu, len, h, NULL, arg,
				   out, cap, outlen);
}

int lk_h245_media_chans(struct lk_asn_arena *ar, bool fast_start,
			const uint8_t *pdu, size_t len, lk_h245_addr_h *h,
			lk_h245_chan_h *ch, void *arg, uint8_t *out,
			size_t cap, size_t *outlen)
{
	struct lk_asn_val *v = NULL;
	size_t errbit = 0;
	struct walk w;
	unsigned n = 0;
	int err;

	if (!ar || !pdu || !h || !out || !outlen)
		return EINVAL;
	err = fast_start ? lk_h245_olc_decode(pdu, len, ar, &v, &errbit)
			 : lk_h245_decode(pdu, len, ar, &v, &errbit);
	if (err)
		return err;
	memset(&w, 0, sizeof(w));
	w.h = h;
	w.ch = ch;
	w.ar = ar;
	w.arg = arg;
	w.a.fast_start = fast_start;
	err = walk_h245(&w, v);
	if (!err)
		err = w.unseen;
	if (err)
		return err;
	n = w.changed;
	if (!n) {
		if (len > cap)
			return ENOSPC;
		memmove(out, pdu, len);
		*outlen = len;
		return 0;
	}
	return lk_h245_encode(v, out, cap, outlen);
}

/*
 * Rewrite the H.245 value in one OCTET STRING of a UU-PDU in place.  An
 * opaque part (w->unseen) does not stop what was seen from being written.
 */
static int uu_octets(struct walk *w, struct lk_asn_arena *ar,
		     struct lk_asn_val *e, bool olc)
{
	struct lk_asn_val *v = NULL;
	unsigned before = w->changed;
	size_t errbit, cap, len;
	uint8_t *buf;
	int err;

	w->unseen = 0;
	err = olc ? lk_h245_olc_decode(e->u.str.p, e->u.str.len, ar, &v,
				       &errbit)
		  : lk_h245_decode(e->u.str.p, e->u.str.len, ar, &v, &errbit);
	if (!err)
		err = walk_h245(w, v);
	if (err || w->changed == before)
		return err ? err : w->unseen;
	/* Addresses and ports have fixed sizes: only a non-minimal
	 * original can make the encoding longer, never by much. */
	cap = e->u.str.len * 2 + 64;
	buf = lk_asn_alloc(ar, cap);
	if (!buf)
		return ENOMEM;
	err = lk_h245_encode(v, buf, cap, &len);
	if (err)
		return err;
	e->u.str.p = buf;
	e->u.str.len = len;
	return w->unseen;
}

static int uu_list(struct walk *w, struct lk_asn_arena *ar,
		   struct lk_asn_val *l, bool olc, int *first)
{
	size_t i;
	int err;

	if (w->unseen && !*first)
		*first = w->unseen;	/* the list itself was opaque */
	for (i = 0; l && i < l->u.list.n; i++) {
		w->a.fast_start = olc;
		w->a.tunnelled = !olc;
		err = uu_octets(w, ar, &l->u.list.v[i], olc);
		if (err && err != ENOTSUP && err != EBADMSG)
			return err;	/* the handler's, or out of arena */
		if (err && !*first)
			*first = err;
	}
	w->unseen = 0;
	return 0;
}

/*
 * The addresses of a decoded H323-UserInformation (h225.h): the
 * message's h245Address (LK_H245_CONTROL), every fastStart
 * OpenLogicalChannel and every tunnelled H.245 message (h245Control, and
 * Setup's parallelH245Control).  Changes are written into the tree (new
 * octet strings in ar); the caller re-encodes it with
 * lk_h225_uu_encode() when *changed is not 0.  An element that does not
 * decode (EBADMSG, ENOTSUP) is left as it was and the walk goes on; the
 * first such error is returned after the walk, so the caller knows an
 * address may have been left unseen.
 */
int lk_h225_uu_media_addrs(struct lk_asn_arena *ar, struct lk_asn_val *uu,
			   lk_h245_addr_h *h, void *arg, unsigned *changed)
{
	return lk_h225_uu_media_chans(ar, uu, h, NULL, arg, changed);
}

int lk_h225_uu_media_chans(struct lk_asn_arena *ar, struct lk_asn_val *uu,
			   lk_h245_addr_h *h, lk_h245_chan_h *ch, void *arg,
			   unsigned *changed)
{
	struct lk_asn_val *body, *bv, *ta;
	struct walk w;
	int err, first = 0;

	if (!ar || !uu || uu->type != &lk_h225_uuinfo || !h)
		return EINVAL;
	body = lk_asn_get(uu, "h323-uu-pdu.h323-message-body");
	if (!body || !body->u.choice.v)
		return EINVAL;
	bv = body->u.choice.v;
	if (opaque(bv))
		return ENOTSUP;		/* a body newer than the tables */
	memset(&w, 0, sizeof(w));
	w.h = h;
	w.ch = ch;
	w.ar = ar;
	w.arg = arg;
	ta = get(&w, bv, "h245Address");
	first = w.unseen;
	if (ta && !lk_ras_get_ipv4(ta, &w.a.addr)) {
		struct sockaddr_in was = w.a.addr;

		w.a.kind = LK_H245_CONTROL;
		w.a.msg = lk_asn_choice_name(body);
		err = h(&w.a, arg);
		if (err)
			return err;
		if (memcmp(&was.sin_addr, &w.a.addr.sin_addr, 4) ||
		    was.sin_port != w.a.addr.sin_port) {
			err = lk_ras_set_ipv4(ar, ta, &w.a.addr);
			if (err)
				return err;
			w.changed++;
		}
	}
	err = uu_list(&w, ar, get(&w, bv, "fastStart"), true, &first);
	if (!err)
		err = uu_list(&w, ar, get(&w, uu, "h323-uu-pdu.h245Control"),
			      false, &first);
	if (!err)
		err = uu_list(&w, ar, get(&w, bv, "parallelH245Control"),
			      false, &first);
	if (changed)
		*changed = w.changed;
	return err ? err : first;
}
