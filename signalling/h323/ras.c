/* signalling/h323/ras.c  H.225.0 type tables (RAS and the call-signalling UU-PDU) and RAS helpers. */
#include <errno.h>
#include <string.h>

#include "h323/asn_tab.h"
#include "h323/h225.h"
#include "h323/ras.h"

/*
 * Transcribed from H323-MESSAGES (ITU-T H.225.0 12/2009), in member
 * order, with the macros of asn_tab.h.
 */
LK_ASN_TAB_LEAVES;

INT(t_seqnum, 1, 65535, 0);		/* RequestSeqNum */
INT(t_u8, 0, 255, 0);
INT(t_u16, 0, 65535, 0);		/* CallReferenceValue */
INT(t_u32, 0, 4294967295LL, 0);		/* BandWidth */
INT(t_ttl, 1, 4294967295LL, 0);		/* TimeToLive */
INT(t_1_65535, 1, 65535, 0);
INT(t_1_255, 1, 255, 0);
INT(t_standard, 0, 16383, E);		/* GenericIdentifier.standard */
OCT(t_oct, 0, NOUB);
OCT(t_oct2, 2, 2);
OCT(t_oct4, 4, 4);
OCT(t_oct6, 6, 6);
OCT(t_guid, 16, 16);			/* GloballyUniqueID */
OCT(t_oct_1_20, 1, 20);
OCT(t_oct_1_256, 1, 256);
STR(t_bmp_1_128, 1, 128, NULL, 16);	/* Gatekeeper/EndpointIdentifier */
STR(t_bmp_1_256, 1, 256, NULL, 16);	/* h323-ID */
STR(t_bmp, 0, NOUB, NULL, 16);
STR(t_digits, 1, 128, "0123456789#*,", 0);	/* dialledDigits */
STR(t_ia5_1_512, 1, 512, NULL, 8);
STR(t_ia5_0_512, 0, 512, NULL, 8);
STR(t_ia5, 0, NOUB, NULL, 8);
STR(t_printable, 0, NOUB,
    " '()+,-./0123456789:=?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz", 0);
BITS(t_bits32, 32, 32);

SEQ(t_h221, E, 3,
    M("t35CountryCode", t_u8), M("t35Extension", t_u8),
    M("manufacturerCode", t_u16));
CHOICE(t_nsid, E, 2, M("object", t_oid), M("h221NonStandard", t_h221));
SEQ(t_nsp, 0, 2, M("nonStandardIdentifier", t_nsid), M("data", t_oct));

/* TransportAddress */
SEQ(t_ta_ip, 0, 2, M("ip", t_oct4), M("port", t_u16));
SEQOF(t_oct4_list, 0, NOUB, t_oct4);
CHOICE(t_routing, E, 2, N("strict"), N("loose"));
SEQ(t_ta_route, E, 4, M("ip", t_oct4), M("port", t_u16),
    M("route", t_oct4_list), M("routing", t_routing));
SEQ(t_ta_ipx, 0, 3, M("node", t_oct6), M("netnum", t_oct4),
    M("port", t_oct2));
SEQ(t_ta_ip6, E, 2, M("ip", t_guid), M("port", t_u16));
CHOICE(t_ta, E, 7,
       M("ipAddress", t_ta_ip), M("ipSourceRoute", t_ta_route),
       M("ipxAddress", t_ta_ipx), M("ip6Address", t_ta_ip6),
       M("netBios", t_guid), M("nsap", t_oct_1_20),
       M("nonStandardAddress", t_nsp));
SEQOF(t_ta_list, 0, NOUB, t_ta);

CHOICE(t_alias, E, 2,
       M("dialledDigits", t_digits), M("h323-ID", t_bmp_1_256),
       M("url-ID", t_ia5_1_512), M("transportID", t_ta),
       M("email-ID", t_ia5_1_512), X("partyNumber"), X("mobileUIM"),
       X("isupNumber"));
SEQOF(t_alias_list, 0, NOUB, t_alias);

/* EndpointType */
SEQ(t_vendor, E, 3,
    M("vendor", t_h221), O("productId", t_oct_1_256),
    O("versionId", t_oct_1_256), O("enterpriseNumber", t_oid));
SEQ(t_nsd_only, E, 1, O("nonStandardData", t_nsp));
/* H310Caps ... T120OnlyCaps share one shape. */
SEQ(t_caps, E, 1, O("nonStandardData", t_nsp),
    X("dataRatesSupported"), { "supportedPrefixes", &t_open, false });
CHOICE(t_protocols, E, 9,
       M("nonStandardData", t_nsp), M("h310", t_caps), M("h320", t_caps),
       M("h321", t_caps), M("h322", t_caps), M("h323", t_caps),
       M("h324", t_caps), M("voice", t_caps), M("t120-only", t_caps),
       X("nonStandardProtocol"), X("t38FaxAnnexbOnly"), X("sip"));
SEQOF(t_protocols_list, 0, NOUB, t_protocols);
SEQ(t_gwinfo, E, 2, O("protocol", t_protocols_list),
    O("nonStandardData", t_nsp));
SEQ(t_mcuinfo, E, 1, O("nonStandardData", t_nsp), X("protocol"));
SEQ(t_eptype, E, 8,
    O("nonStandardData", t_nsp), O("vendor", t_vendor),
    O("gatekeeper", t_nsd_only), O("gateway", t_gwinfo),
    O("mcu", t_mcuinfo), O("terminal", t_nsd_only), M("mc", t_bool),
    M("undefinedNode", t_bool),
    O("set", t_bits32), X("supportedTunnelledProtocols"));

SEQ(t_q954, E, 2, M("conferenceCalling", t_bool),
    M("threePartyService", t_bool));
SEQ(t_qseries, E, 8,
    M("q932Full", t_bool), M("q951Full", t_bool), M("q952Full", t_bool),
    M("q953Full", t_bool), M("q955Full", t_bool), M("q956Full", t_bool),
    M("q957Full", t_bool), M("q954Info", t_q954));

SEQ(t_callid, E, 1, M("guid", t_guid));
CHOICE(t_calltype, E, 4, N("pointToPoint"), N("oneToN"), N("nToOne"),
       N("nToN"));
CHOICE(t_callmodel, E, 2, N("direct"), N("gatekeeperRouted"));

/* GenericData and FeatureSet (H.460 features travel in these). */
static const struct lk_asn_type t_generic;
CHOICE(t_gid, E, 3, M("standard", t_standard), M("oid", t_oid),
       M("nonStandard", t_guid));
static const struct lk_asn_type t_enumparam;
SEQOF(t_param_list, 1, 512, t_enumparam);
SEQOF(t_nested_list, 1, 16, t_generic);
CHOICE(t_content, E, 12,
       M("raw", t_oct), M("text", t_ia5), M("unicode", t_bmp),
       M("bool", t_bool), M("number8", t_u8), M("number16", t_u16),
       M("number32", t_u32), M("id", t_gid), M("alias", t_alias),
       M("transport", t_ta), M("compound", t_param_list),
       M("nested", t_nested_list));
SEQ(t_enumparam, E, 2, M("id", t_gid), O("content", t_content));
SEQ(t_generic, E, 2, M("id", t_gid), O("parameters", t_param_list));
SEQOF(t_generic_list, 0, NOUB, t_generic);
SEQ(t_featureset, E, 4,
    M("replacementFeatureSet", t_bool),
    O("neededFeatures", t_generic_list),
    O("desiredFeatures", t_generic_list),
    O("supportedFeatures", t_generic_list));

SEQ(t_uuies, E, 9,
    M("setup", t_bool), M("callProceeding", t_bool), M("connect", t_bool),
    M("alerting", t_bool), M("information", t_bool),
    M("releaseComplete", t_bool), M("facility", t_bool),
    M("progress", t_bool), M("empty", t_bool),
    M("status", t_bool), M("statusInquiry", t_bool),
    M("setupAcknowledge", t_bool), M("notify", t_bool));

/* GRQ / GCF / GRJ */
SEQ(t_grq, E, 8,
    M("requestSeqNum", t_seqnum), M("protocolIdentifier", t_oid),
    O("nonStandardData", t_nsp), M("rasAddress", t_ta),
    M("endpointType", t_eptype), O("gatekeeperIdentifier", t_bmp_1_128),
    O("callServices", t_qseries), O("endpointAlias", t_alias_list),
    X("alternateEndpoints"), X("tokens"), X("cryptoTokens"),
    X("authenticationCapability"), X("algorithmOIDs"), X("integrity"),
    X("integrityCheckValue"), O("supportsAltGK", t_null),
    O("featureSet", t_featureset), O("genericData", t_generic_list),
    M("supportsAssignedGK", t_bool), X("assignedGatekeeper"));
SEQ(t_gcf, E, 5,
    M("requestSeqNum", t_seqnum), M("protocolIdentifier", t_oid),
    O("nonStandardData", t_nsp), O("gatekeeperIdentifier", t_bmp_1_128),
    M("rasAddress", t_ta),
    X("alternateGatekeeper"), X("authenticationMode"), X("tokens"),
    X("cryptoTokens"), O("algorithmOID", t_oid), X("integrity"),
    X("integrityCheckValue"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), X("assignedGatekeeper"),
    X("rehomingModel"));
CHOICE(t_grj_reason, E, 4,
       N("resourceUnavailable"), N("terminalExcluded"),
       N("invalidRevision"), N("undefinedReason"),
       N("securityDenial"), N("genericDataReason"),
       N("neededFeatureNotSupported"), X("securityError"));
SEQ(t_grj, E, 5,
    M("requestSeqNum", t_seqnum), M("protocolIdentifier", t_oid),
    O("nonStandardData", t_nsp), O("gatekeeperIdentifier", t_bmp_1_128),
    M("rejectReason", t_grj_reason),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("featureSet", t_featureset),
    O("genericData", t_generic_list));

/* RRQ / RCF / RRJ */
SEQ(t_rrq, E, 10,
    M("requestSeqNum", t_seqnum), M("protocolIdentifier", t_oid),
    O("nonStandardData", t_nsp), M("discoveryComplete", t_bool),
    M("callSignalAddress", t_ta_list), M("rasAddress", t_ta_list),
    M("terminalType", t_eptype), O("terminalAlias", t_alias_list),
    O("gatekeeperIdentifier", t_bmp_1_128),
    M("endpointVendor", t_vendor),
    X("alternateEndpoints"), O("timeToLive", t_ttl), X("tokens"),
    X("cryptoTokens"), X("integrityCheckValue"), M("keepAlive", t_bool),
    O("endpointIdentifier", t_bmp_1_128), M("willSupplyUUIEs", t_bool),
    M("maintainConnection", t_bool), X("alternateTransportAddresses"),
    O("additiveRegistration", t_null), X("terminalAliasPattern"),
    O("supportsAltGK", t_null), X("usageReportingCapability"),
    O("multipleCalls", t_bool), X("supportedH248Packages"),
    X("callCreditCapability"), X("capacityReportingCapability"),
    X("capacity"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), O("restart", t_null),
    O("supportsACFSequences", t_null), M("supportsAssignedGK", t_bool),
    X("assignedGatekeeper"), X("transportQOS"), X("language"));
SEQ(t_pregranted, E, 4,
    M("makeCall", t_bool), M("useGKCallSignalAddressToMakeCall", t_bool),
    M("answerCall", t_bool), M("useGKCallSignalAddressToAnswer", t_bool),
    O("irrFrequencyInCall", t_1_65535),
    O("totalBandwidthRestriction", t_u32),
    X("alternateTransportAddresses"), X("useSpecifiedTransport"));
SEQ(t_rcf, E, 7,
    M("requestSeqNum", t_seqnum), M("protocolIdentifier", t_oid),
    O("nonStandardData", t_nsp), M("callSignalAddress", t_ta_list),
    O("terminalAlias", t_alias_list),
    O("gatekeeperIdentifier", t_bmp_1_128),
    M("endpointIdentifier", t_bmp_1_128),
    X("alternateGatekeeper"), O("timeToLive", t_ttl), X("tokens"),
    X("cryptoTokens"), X("integrityCheckValue"),
    M("willRespondToIRR", t_bool), O("preGrantedARQ", t_pregranted),
    M("maintainConnection", t_bool), X("serviceControl"),
    O("supportsAdditiveRegistration", t_null), X("terminalAliasPattern"),
    X("supportedPrefixes"), X("usageSpec"), X("featureServerAlias"),
    X("capacityReportingSpec"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), X("assignedGatekeeper"),
    X("rehomingModel"), X("transportQOS"));
CHOICE(t_rrj_reason, E, 8,
       N("discoveryRequired"), N("invalidRevision"),
       N("invalidCallSignalAddress"), N("invalidRASAddress"),
       M("duplicateAlias", t_alias_list), N("invalidTerminalType"),
       N("undefinedReason"), N("transportNotSupported"),
       N("transportQOSNotSupported"), N("resourceUnavailable"),
       N("invalidAlias"), N("securityDenial"),
       N("fullRegistrationRequired"),
       N("additiveRegistrationNotSupported"), X("invalidTerminalAliases"),
       N("genericDataReason"), N("neededFeatureNotSupported"),
       X("securityError"), N("registerWithAssignedGK"));
SEQ(t_rrj, E, 5,
    M("requestSeqNum", t_seqnum), M("protocolIdentifier", t_oid),
    O("nonStandardData", t_nsp), M("rejectReason", t_rrj_reason),
    O("gatekeeperIdentifier", t_bmp_1_128),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), X("assignedGatekeeper"));

/* URQ / UCF / URJ */
CHOICE(t_urq_reason, E, 4,
       N("reregistrationRequired"), N("ttlExpired"), N("securityDenial"),
       N("undefinedReason"), N("maintenance"), X("securityError"),
       N("registerWithAssignedGK"));
SEQ(t_urq, E, 5,
    M("requestSeqNum", t_seqnum), M("callSignalAddress", t_ta_list),
    O("endpointAlias", t_alias_list), O("nonStandardData", t_nsp),
    O("endpointIdentifier", t_bmp_1_128),
    X("alternateEndpoints"), O("gatekeeperIdentifier", t_bmp_1_128),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    O("reason", t_urq_reason), X("endpointAliasPattern"),
    X("supportedPrefixes"), X("alternateGatekeeper"),
    O("genericData", t_generic_list), X("assignedGatekeeper"));
SEQ(t_ucf, E, 2,
    M("requestSeqNum", t_seqnum), O("nonStandardData", t_nsp),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    O("genericData", t_generic_list), X("assignedGatekeeper"));
CHOICE(t_urj_reason, E, 3,
       N("notCurrentlyRegistered"), N("callInProgress"),
       N("undefinedReason"), N("permissionDenied"), N("securityDenial"),
       X("securityError"));
SEQ(t_urj, E, 3,
    M("requestSeqNum", t_seqnum), M("rejectReason", t_urj_reason),
    O("nonStandardData", t_nsp),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("genericData", t_generic_list));

/* ARQ / ACF / ARJ */
SEQ(t_arq, E, 16,
    M("requestSeqNum", t_seqnum), M("callType", t_calltype),
    O("callModel", t_callmodel), M("endpointIdentifier", t_bmp_1_128),
    O("destinationInfo", t_alias_list), O("destCallSignalAddress", t_ta),
    O("destExtraCallInfo", t_alias_list), M("srcInfo", t_alias_list),
    O("srcCallSignalAddress", t_ta), M("bandWidth", t_u32),
    M("callReferenceValue", t_u16), O("nonStandardData", t_nsp),
    O("callServices", t_qseries), M("conferenceID", t_guid),
    M("activeMC", t_bool), M("answerCall", t_bool),
    M("canMapAlias", t_bool), M("callIdentifier", t_callid),
    X("srcAlternatives"), X("destAlternatives"),
    O("gatekeeperIdentifier", t_bmp_1_128), X("tokens"),
    X("cryptoTokens"), X("integrityCheckValue"), X("transportQOS"),
    M("willSupplyUUIEs", t_bool), X("callLinkage"),
    X("gatewayDataRate"), X("capacity"), X("circuitInfo"),
    X("desiredProtocols"), X("desiredTunnelledProtocol"),
    O("featureSet", t_featureset), O("genericData", t_generic_list),
    M("canMapSrcAlias", t_bool));
SEQ(t_acf, E, 6,
    M("requestSeqNum", t_seqnum), M("bandWidth", t_u32),
    M("callModel", t_callmodel), M("destCallSignalAddress", t_ta),
    O("irrFrequency", t_1_65535), O("nonStandardData", t_nsp),
    O("destinationInfo", t_alias_list),
    O("destExtraCallInfo", t_alias_list),
    O("destinationType", t_eptype),
    O("remoteExtensionAddress", t_alias_list), X("alternateEndpoints"),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    X("transportQOS"), M("willRespondToIRR", t_bool),
    M("uuiesRequested", t_uuies), X("language"),
    X("alternateTransportAddresses"), X("useSpecifiedTransport"),
    X("circuitInfo"), X("usageSpec"), X("supportedProtocols"),
    X("serviceControl"), O("multipleCalls", t_bool),
    O("featureSet", t_featureset), O("genericData", t_generic_list),
    O("modifiedSrcInfo", t_alias_list), X("assignedGatekeeper"));
CHOICE(t_arj_reason, E, 8,
       N("calledPartyNotRegistered"), N("invalidPermission"),
       N("requestDenied"), N("undefinedReason"), N("callerNotRegistered"),
       N("routeCallToGatekeeper"), N("invalidEndpointIdentifier"),
       N("resourceUnavailable"),
       N("securityDenial"), N("qosControlNotSupported"),
       N("incompleteAddress"), N("aliasesInconsistent"),
       X("routeCallToSCN"), N("exceedsCallCapacity"),
       N("collectDestination"), N("collectPIN"), N("genericDataReason"),
       N("neededFeatureNotSupported"), X("securityError"),
       N("securityDHmismatch"), N("noRouteToDestination"),
       N("unallocatedNumber"), N("registerWithAssignedGK"));
SEQ(t_arj, E, 3,
    M("requestSeqNum", t_seqnum), M("rejectReason", t_arj_reason),
    O("nonStandardData", t_nsp),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    O("callSignalAddress", t_ta_list), X("integrityCheckValue"),
    X("serviceControl"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), X("assignedGatekeeper"));

/* BRQ / BCF / BRJ */
SEQ(t_brq, E, 7,
    M("requestSeqNum", t_seqnum), M("endpointIdentifier", t_bmp_1_128),
    M("conferenceID", t_guid), M("callReferenceValue", t_u16),
    O("callType", t_calltype), M("bandWidth", t_u32),
    O("nonStandardData", t_nsp),
    M("callIdentifier", t_callid), O("gatekeeperIdentifier", t_bmp_1_128),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    M("answeredCall", t_bool), X("callLinkage"), X("capacity"),
    X("usageInformation"), X("bandwidthDetails"),
    O("genericData", t_generic_list), X("transportQOS"));
SEQ(t_bcf, E, 3,
    M("requestSeqNum", t_seqnum), M("bandWidth", t_u32),
    O("nonStandardData", t_nsp),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    X("capacity"), O("genericData", t_generic_list), X("transportQOS"));
CHOICE(t_brj_reason, E, 6,
       N("notBound"), N("invalidConferenceID"), N("invalidPermission"),
       N("insufficientResources"), N("invalidRevision"),
       N("undefinedReason"), N("securityDenial"), X("securityError"));
SEQ(t_brj, E, 4,
    M("requestSeqNum", t_seqnum), M("rejectReason", t_brj_reason),
    M("allowedBandWidth", t_u32), O("nonStandardData", t_nsp),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("genericData", t_generic_list));

/* LRQ / LCF / LRJ */
SEQ(t_lrq, E, 5,
    M("requestSeqNum", t_seqnum), O("endpointIdentifier", t_bmp_1_128),
    M("destinationInfo", t_alias_list), O("nonStandardData", t_nsp),
    M("replyAddress", t_ta),
    O("sourceInfo", t_alias_list), M("canMapAlias", t_bool),
    O("gatekeeperIdentifier", t_bmp_1_128), X("tokens"),
    X("cryptoTokens"), X("integrityCheckValue"), X("desiredProtocols"),
    X("desiredTunnelledProtocol"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), O("hopCount", t_1_255),
    X("circuitInfo"), O("callIdentifier", t_callid),
    O("bandWidth", t_u32), O("sourceEndpointInfo", t_alias_list),
    M("canMapSrcAlias", t_bool), X("language"));
SEQ(t_lcf, E, 4,
    M("requestSeqNum", t_seqnum), M("callSignalAddress", t_ta),
    M("rasAddress", t_ta), O("nonStandardData", t_nsp),
    O("destinationInfo", t_alias_list),
    O("destExtraCallInfo", t_alias_list),
    O("destinationType", t_eptype),
    O("remoteExtensionAddress", t_alias_list), X("alternateEndpoints"),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    X("alternateTransportAddresses"), X("supportedProtocols"),
    O("multipleCalls", t_bool), O("featureSet", t_featureset),
    O("genericData", t_generic_list), X("circuitInfo"),
    X("serviceControl"), O("modifiedSrcInfo", t_alias_list),
    O("bandWidth", t_u32));
CHOICE(t_lrj_reason, E, 4,
       N("notRegistered"), N("invalidPermission"), N("requestDenied"),
       N("undefinedReason"),
       N("securityDenial"), N("aliasesInconsistent"),
       X("routeCalltoSCN"), N("resourceUnavailable"),
       N("genericDataReason"), N("neededFeatureNotSupported"),
       N("hopCountExceeded"), N("incompleteAddress"), X("securityError"),
       N("securityDHmismatch"), N("noRouteToDestination"),
       N("unallocatedNumber"));
SEQ(t_lrj, E, 3,
    M("requestSeqNum", t_seqnum), M("rejectReason", t_lrj_reason),
    O("nonStandardData", t_nsp),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("featureSet", t_featureset),
    O("genericData", t_generic_list), X("serviceControl"));

/* DRQ / DCF / DRJ */
CHOICE(t_drq_reason, E, 3, N("forcedDrop"), N("normalDrop"),
       N("undefinedReason"));
SEQ(t_drq, E, 6,
    M("requestSeqNum", t_seqnum), M("endpointIdentifier", t_bmp_1_128),
    M("conferenceID", t_guid), M("callReferenceValue", t_u16),
    M("disengageReason", t_drq_reason), O("nonStandardData", t_nsp),
    M("callIdentifier", t_callid), O("gatekeeperIdentifier", t_bmp_1_128),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    M("answeredCall", t_bool), X("callLinkage"), X("capacity"),
    X("circuitInfo"), X("usageInformation"), X("terminationCause"),
    X("serviceControl"), O("genericData", t_generic_list));
SEQ(t_dcf, E, 2,
    M("requestSeqNum", t_seqnum), O("nonStandardData", t_nsp),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    X("capacity"), X("circuitInfo"), X("usageInformation"),
    O("genericData", t_generic_list), X("assignedGatekeeper"));
CHOICE(t_drj_reason, E, 2, N("notRegistered"), N("requestToDropOther"),
       N("securityDenial"), X("securityError"));
SEQ(t_drj, E, 3,
    M("requestSeqNum", t_seqnum), M("rejectReason", t_drj_reason),
    O("nonStandardData", t_nsp),
    X("altGKInfo"), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("genericData", t_generic_list));

/* IRQ / IRR */
SEQ(t_irq, E, 4,
    M("requestSeqNum", t_seqnum), M("callReferenceValue", t_u16),
    O("nonStandardData", t_nsp), O("replyAddress", t_ta),
    M("callIdentifier", t_callid), X("tokens"), X("cryptoTokens"),
    X("integrityCheckValue"), O("uuiesRequested", t_uuies),
    X("callLinkage"), X("usageInfoRequested"),
    O("segmentedResponseSupported", t_null),
    O("nextSegmentRequested", t_u16),
    O("capacityInfoRequested", t_null),
    O("genericData", t_generic_list), X("assignedGatekeeper"));
SEQ(t_tci, E, 2, O("sendAddress", t_ta), O("recvAddress", t_ta));
SEQOF(t_sessid_list, 0, NOUB, t_1_255);
SEQ(t_rtpsession, E, 6,
    M("rtpAddress", t_tci), M("rtcpAddress", t_tci),
    M("cname", t_printable), M("ssrc", t_ttl), M("sessionId", t_1_255),
    M("associatedSessionIds", t_sessid_list),
    O("multicast", t_null), O("bandwidth", t_u32));
SEQOF(t_rtpsession_list, 0, NOUB, t_rtpsession);
SEQOF(t_tci_list, 0, NOUB, t_tci);
SEQ(t_percall, E, 12,
    O("nonStandardData", t_nsp), M("callReferenceValue", t_u16),
    M("conferenceID", t_guid), O("originator", t_bool),
    O("audio", t_rtpsession_list), O("video", t_rtpsession_list),
    O("data", t_tci_list), M("h245", t_tci), M("callSignalling", t_tci),
    M("callType", t_calltype), M("bandWidth", t_u32),
    M("callModel", t_callmodel),
    M("callIdentifier", t_callid), X("tokens"), X("cryptoTokens"),
    { "substituteConfIDs", &t_open, false }, X("pdu"), X("callLinkage"),
    X("usageInformation"), X("circuitInfo"));
SEQOF(t_percall_list, 0, NOUB, t_percall);
SEQ(t_irr, E, 8,
    O("nonStandardData", t_nsp), M("requestSeqNum", t_seqnum),
    M("endpointType", t_eptype), M("endpointIdentifier", t_bmp_1_128),
    M("rasAddress", t_ta), M("callSignalAddress", t_ta_list),
    O("endpointAlias", t_alias_list), O("perCallInfo", t_percall_list),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    M("needResponse", t_bool), X("capacity"), X("irrStatus"),
    M("unsolicited", t_bool), O("genericData", t_generic_list));

/* IACK / INAK: the answers to an IRR with needResponse. */
SEQ(t_iack, E, 5,
    M("requestSeqNum", t_seqnum), O("nonStandardData", t_nsp),
    U("tokens"), U("cryptoTokens"), U("integrityCheckValue"));
CHOICE(t_inak_reason, E, 3, N("notRegistered"), N("securityDenial"),
       N("undefinedReason"), X("securityError"));
SEQ(t_inak, E, 7,
    M("requestSeqNum", t_seqnum), O("nonStandardData", t_nsp),
    M("nakReason", t_inak_reason), U("altGKInfo"), U("tokens"),
    U("cryptoTokens"), U("integrityCheckValue"));

SEQ(t_nsm, E, 2,
    M("requestSeqNum", t_seqnum), M("nonStandardData", t_nsp),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    O("featureSet", t_featureset), O("genericData", t_generic_list));
SEQ(t_xrs, E, 1,
    M("requestSeqNum", t_seqnum),
    X("tokens"), X("cryptoTokens"), X("integrityCheckValue"),
    { "messageNotUnderstood", &t_oct, false });

/* SCI / SCR: H.460.18 signals incoming calls with these. */
CHOICE(t_scdescr, E, 4,
       M("url", t_ia5_0_512), M("signal", t_oct),
       M("nonStandard", t_nsp), U("callCreditServiceControl"));
CHOICE(t_screason, E, 3, N("open"), N("refresh"), N("close"));
SEQ(t_scsession, E, 3,
    M("sessionId", t_u8), O("contents", t_scdescr),
    M("reason", t_screason));
SEQOF(t_scsession_list, 0, NOUB, t_scsession);
SEQ(t_callspecific, E, 3,
    M("callIdentifier", t_callid), M("conferenceID", t_guid),
    M("answeredCall", t_bool));
SEQ(t_sci, E, 10,
    M("requestSeqNum", t_seqnum), O("nonStandardData", t_nsp),
    M("serviceControl", t_scsession_list),
    O("endpointIdentifier", t_bmp_1_128),
    O("callSpecific", t_callspecific), U("tokens"), U("cryptoTokens"),
    U("integrityCheckValue"), O("featureSet", t_featureset),
    O("genericData", t_generic_list));
CHOICE(t_scr_result, E, 5, N("started"), N("failed"), N("stopped"),
       N("notAvailable"), N("neededFeatureNotSupported"));
SEQ(t_scr, E, 8,
    M("requestSeqNum", t_seqnum), O("result", t_scr_result),
    O("nonStandardData", t_nsp), U("tokens"), U("cryptoTokens"),
    U("integrityCheckValue"), O("featureSet", t_featureset),
    O("genericData", t_generic_list));

/*
 * H.225.0 call signalling: H323-UserInformation, the contents of the
 * Q.931 user-user information element (H.225.0 7.2.2).  Exported as
 * lk_h225_uuinfo through h225.h.
 */
OCT(t_oct_1_131, 1, 131);
INT(t_1_31, 1, 31, 0);
SEQOF(t_oct_list, 0, NOUB, t_oct);
SEQOF(t_crv_list, 0, NOUB, t_u16);
CHOICE(t_conf_goal, E, 3, N("create"), N("join"), N("invite"),
       N("capability-negotiation"),
       N("callIndependentSupplementaryService"));
SEQ(t_setup, E, 13,
    M("protocolIdentifier", t_oid), O("h245Address", t_ta),
    O("sourceAddress", t_alias_list), M("sourceInfo", t_eptype),
    O("destinationAddress", t_alias_list),
    O("destCallSignalAddress", t_ta),
    O("destExtraCallInfo", t_alias_list), O("destExtraCRV", t_crv_list),
    M("activeMC", t_bool), M("conferenceID", t_guid),
    M("conferenceGoal", t_conf_goal), O("callServices", t_qseries),
    M("callType", t_calltype),
    O("sourceCallSignalAddress", t_ta), X("remoteExtensionAddress"),
    M("callIdentifier", t_callid), X("h245SecurityCapability"),
    X("tokens"), X("cryptoTokens"), O("fastStart", t_oct_list),
    M("mediaWaitForConnect", t_bool), M("canOverlapSend", t_bool),
    O("endpointIdentifier", t_bmp_1_128), M("multipleCalls", t_bool),
    M("maintainConnection", t_bool), X("connectionParameters"),
    X("language"), X("presentationIndicator"), X("screeningIndicator"),
    X("serviceControl"), O("symmetricOperationRequired", t_null),
    X("capacity"), X("circuitInfo"), X("desiredProtocols"),
    O("neededFeatures", t_generic_list),
    O("desiredFeatures", t_generic_list),
    O("supportedFeatures", t_generic_list),
    O("parallelH245Control", t_oct_list),
    X("additionalSourceAddresses"), O("hopCount", t_1_31),
    X("displayName"));
SEQ(t_callproc, E, 3,
    M("protocolIdentifier", t_oid), M("destinationInfo", t_eptype),
    O("h245Address", t_ta),
    M("callIdentifier", t_callid), X("h245SecurityMode"), X("tokens"),
    X("cryptoTokens"), O("fastStart", t_oct_list),
    M("multipleCalls", t_bool), M("maintainConnection", t_bool),
    O("fastConnectRefused", t_null), O("featureSet", t_featureset));
SEQ(t_connect, E, 4,
    M("protocolIdentifier", t_oid), O("h245Address", t_ta),
    M("destinationInfo", t_eptype), M("conferenceID", t_guid),
    M("callIdentifier", t_callid), X("h245SecurityMode"), X("tokens"),
    X("cryptoTokens"), O("fastStart", t_oct_list),
    M("multipleCalls", t_bool), M("maintainConnection", t_bool),
    X("language"), O("connectedAddress", t_alias_list),
    X("presentationIndicator"), X("screeningIndicator"),
    O("fastConnectRefused", t_null), X("serviceControl"), X("capacity"),
    O("featureSet", t_featureset), X("displayName"));
SEQ(t_alerting, E, 3,
    M("protocolIdentifier", t_oid), M("destinationInfo", t_eptype),
    O("h245Address", t_ta),
    M("callIdentifier", t_callid), X("h245SecurityMode"), X("tokens"),
    X("cryptoTokens"), O("fastStart", t_oct_list),
    M("multipleCalls", t_bool), M("maintainConnection", t_bool),
    O("alertingAddress", t_alias_list), X("presentationIndicator"),
    X("screeningIndicator"), O("fastConnectRefused", t_null),
    X("serviceControl"), X("capacity"), O("featureSet", t_featureset),
    X("displayName"));
SEQ(t_information, E, 1,
    M("protocolIdentifier", t_oid),
    M("callIdentifier", t_callid), X("tokens"), X("cryptoTokens"),
    O("fastStart", t_oct_list), O("fastConnectRefused", t_null),
    X("circuitInfo"));
CHOICE(t_rc_reason, E, 12,
       N("noBandwidth"), N("gatekeeperResources"),
       N("unreachableDestination"), N("destinationRejection"),
       N("invalidRevision"), N("noPermission"),
       N("unreachableGatekeeper"), N("gatewayResources"),
       N("badFormatAddress"), N("adaptiveBusy"), N("inConf"),
       N("undefinedReason"),
       N("facilityCallDeflection"), N("securityDenied"),
       N("calledPartyNotRegistered"), N("callerNotRegistered"),
       N("newConnectionNeeded"), X("nonStandardReason"),
       M("replaceWithConferenceInvite", t_guid), N("genericDataReason"),
       N("neededFeatureNotSupported"), N("tunnelledSignallingRejected"),
       N("invalidCID"), X("securityError"), N("hopCountExceeded"));
SEQ(t_relcomp, E, 2,
    M("protocolIdentifier", t_oid), O("reason", t_rc_reason),
    M("callIdentifier", t_callid), X("tokens"), X("cryptoTokens"),
    O("busyAddress", t_alias_list), X("presentationIndicator"),
    X("screeningIndicator"), X("capacity"), X("serviceControl"),
    O("featureSet", t_featureset), O("destinationInfo", t_eptype),
    X("displayName"));
CHOICE(t_fac_reason, E, 4,
       N("routeCallToGatekeeper"), N("callForwarded"),
       N("routeCallToMC"), N("undefinedReason"),
       N("conferenceListChoice"), N("startH245"), N("noH245"),
       N("newTokens"), N("featureSetUpdate"), N("forwardedElements"),
       N("transportedInformation"));
SEQ(t_facility, E, 5,
    M("protocolIdentifier", t_oid), O("alternativeAddress", t_ta),
    O("alternativeAliasAddress", t_alias_list),
    O("conferenceID", t_guid), M("reason", t_fac_reason),
    M("callIdentifier", t_callid), O("destExtraCallInfo", t_alias_list),
    X("remoteExtensionAddress"), X("tokens"), X("cryptoTokens"),
    X("conferences"), O("h245Address", t_ta),
    O("fastStart", t_oct_list), M("multipleCalls", t_bool),
    M("maintainConnection", t_bool), O("fastConnectRefused", t_null),
    X("serviceControl"), X("circuitInfo"), O("featureSet", t_featureset),
    O("destinationInfo", t_eptype), X("h245SecurityMode"));
SEQ(t_progress, E, 8,
    M("protocolIdentifier", t_oid), M("destinationInfo", t_eptype),
    O("h245Address", t_ta), M("callIdentifier", t_callid),
    U("h245SecurityMode"), U("tokens"), U("cryptoTokens"),
    O("fastStart", t_oct_list),
    M("multipleCalls", t_bool), M("maintainConnection", t_bool),
    O("fastConnectRefused", t_null));
/* Status, StatusInquiry, SetupAcknowledge share one root. */
SEQ(t_status, E, 4,
    M("protocolIdentifier", t_oid), M("callIdentifier", t_callid),
    U("tokens"), U("cryptoTokens"));
SEQ(t_notify, E, 4,
    M("protocolIdentifier", t_oid), M("callIdentifier", t_callid),
    U("tokens"), U("cryptoTokens"),
    O("connectedAddress", t_alias_list), X("presentationIndicator"),
    X("screeningIndicator"), O("destinationInfo", t_eptype),
    X("displayName"));
CHOICE(t_uu_body, E, 7,
       M("setup", t_setup), M("callProceeding", t_callproc),
       M("connect", t_connect), M("alerting", t_alerting),
       M("information", t_information), M("releaseComplete", t_relcomp),
       M("facility", t_facility),
       M("progress", t_progress), N("empty"), M("status", t_status),
       M("statusInquiry", t_status), M("setupAcknowledge", t_status),
       M("notify", t_notify));
SEQ(t_uu_pdu, E, 2,
    M("h323-message-body", t_uu_body), O("nonStandardData", t_nsp),
    O("h4501SupplementaryService", t_oct_list),
    M("h245Tunnelling", t_bool), O("h245Control", t_oct_list),
    X("nonStandardControl"), X("callLinkage"),
    X("tunnelledSignallingMessage"),
    O("provisionalRespToH245Tunnelling", t_null), X("stimulusControl"),
    O("genericData", t_generic_list));
SEQ(t_uu_userdata, E, 2,
    M("protocol-discriminator", t_u8),
    M("user-information", t_oct_1_131));
static const struct lk_asn_member uuinfo_m[] = {
	M("h323-uu-pdu", t_uu_pdu), O("user-data", t_uu_userdata),
};

const struct lk_asn_type lk_h225_uuinfo = {
	.name = "H323-UserInformation", .kind = LK_ASN_SEQ,
	.flags = LK_ASN_EXT, .nroot = 2, .next = 0, .members = uuinfo_m,
};

static const struct lk_asn_member ras_m[] = {
	M("gatekeeperRequest", t_grq), M("gatekeeperConfirm", t_gcf),
	M("gatekeeperReject", t_grj), M("registrationRequest", t_rrq),
	M("registrationConfirm", t_rcf), M("registrationReject", t_rrj),
	M("unregistrationRequest", t_urq), M("unregistrationConfirm", t_ucf),
	M("unregistrationReject", t_urj), M("admissionRequest", t_arq),
	M("admissionConfirm", t_acf), M("admissionReject", t_arj),
	M("bandwidthRequest", t_brq), M("bandwidthConfirm", t_bcf),
	M("bandwidthReject", t_brj), M("disengageRequest", t_drq),
	M("disengageConfirm", t_dcf), M("disengageReject", t_drj),
	M("locationRequest", t_lrq), M("locationConfirm", t_lcf),
	M("locationReject", t_lrj), M("infoRequest", t_irq),
	M("infoRequestResponse", t_irr), M("nonStandardMessage", t_nsm),
	M("unknownMessageResponse", t_xrs),
	X("requestInProgress"), X("resourcesAvailableIndicate"),
	X("resourcesAvailableConfirm"), M("infoRequestAck", t_iack),
	M("infoRequestNak", t_inak), M("serviceControlIndication", t_sci),
	M("serviceControlResponse", t_scr), X("admissionConfirmSequence"),
};

/*
 * H.460.18 IncomingCallIndication (H.460.18 Annex A), the raw octets of
 * generic parameter 18/1 in a ServiceControlIndication.  Exported as
 * lk_h46018_ici through h460.h.
 */
static const struct lk_asn_member ici_m[] = {
	M("callSignallingAddress", t_ta), M("callID", t_callid),
};

const struct lk_asn_type lk_h46018_ici = {
	.name = "IncomingCallIndication", .kind = LK_ASN_SEQ,
	.flags = LK_ASN_EXT, .nroot = 2, .next = 0, .members = ici_m,
};

const struct lk_asn_type lk_ras_message = {
	.name = "RasMessage", .kind = LK_ASN_CHOICE, .flags = LK_ASN_EXT,
	.nroot = 25, .next = NELEM(ras_m) - 25, .members = ras_m,
};

/* Decode one RAS datagram; *errbit says where a bad one stopped. */
int lk_ras_decode(const uint8_t *buf, size_t len, struct lk_asn_arena *ar,
		  struct lk_asn_val **msgp, size_t *errbit)
{
	return lk_asn_decode(&lk_ras_message, buf, len, ar, msgp, errbit);
}

int lk_ras_encode(const struct lk_asn_val *msg, uint8_t *buf, size_t cap,
		  size_t *len)
{
	if (!msg || msg->type != &lk_ras_message)
		return EINVAL;
	return lk_asn_encode(msg, buf, cap, len);
}

/* "registrationRequest" and so on; "?" for an unknown extension one. */
const char *lk_ras_kind(const struct lk_asn_val *msg)
{
	return lk_asn_choice_name(msg);
}

struct lk_asn_val *lk_ras_body(const struct lk_asn_val *msg)
{
	if (!msg || msg->type != &lk_ras_message)
		return NULL;
	return msg->u.choice.v;
}

int lk_ras_seqnum(const struct lk_asn_val *msg, uint16_t *seq)
{
	struct lk_asn_val *s = lk_asn_get(lk_ras_body(msg), "requestSeqNum");

	if (!s || s->type != &t_seqnum)
		return ENOENT;
	*seq = (uint16_t)s->u.i;
	return 0;
}

/*
 * A new RAS message of the given kind with requestSeqNum set and, where
 * the message has one, protocolIdentifier 0.0.8.2250.0.LK_RAS_VERSION.
 * Mandatory extension additions (H.225.0 makes some BOOLEANs mandatory
 * once the extension bit is set) start present and FALSE.
 */
struct lk_asn_val *lk_ras_new(struct lk_asn_arena *ar, const char *kind,
			      uint16_t seq, struct lk_asn_val **bodyp)
{
	static const uint32_t proto[] = { 0, 0, 8, 2250, 0, LK_RAS_VERSION };
	struct lk_asn_val *msg, *body, *v;
	const struct lk_asn_type *t;
	size_t i;

	msg = lk_asn_new(ar, &lk_ras_message);
	if (!msg)
		return NULL;
	body = lk_asn_set(ar, msg, kind);
	if (!body)
		return NULL;
	v = lk_asn_set(ar, body, "requestSeqNum");
	if (!v || seq == 0)
		return NULL;
	v->u.i = seq;
	t = body->type;
	for (i = 0; i < (size_t)t->nroot + t->next; i++) {
		const struct lk_asn_member *m = &t->members[i];

		if (!strcmp(m->name, "protocolIdentifier")) {
			v = lk_asn_set(ar, body, m->name);
			if (!v || lk_asn_set_oid(ar, v, proto, NELEM(proto)))
				return NULL;
		} else if (i >= t->nroot && !m->optional &&
			   m->type == &t_bool) {
			if (!lk_asn_set(ar, body, m->name))
				return NULL;
		}
	}
	if (bodyp)
		*bodyp = body;
	return msg;
}

/* Make TransportAddress ta the ipAddress choice for an IPv4 address. */
int lk_ras_set_ipv4(struct lk_asn_arena *ar, struct lk_asn_val *ta,
		    const struct sockaddr_in *sin)
{
	struct lk_asn_val *ip, *a, *p;

	if (!ta || ta->type != &t_ta || !sin)
		return EINVAL;
	ip = lk_asn_set(ar, ta, "ipAddress");
	a = ip ? lk_asn_set(ar, ip, "ip") : NULL;
	p = ip ? lk_asn_set(ar, ip, "port") : NULL;
	if (!a || !p || lk_asn_set_octets(ar, a, &sin->sin_addr, 4))
		return ENOMEM;
	p->u.i = ntohs(sin->sin_port);
	return 0;
}

int lk_ras_get_ipv4(const struct lk_asn_val *ta, struct sockaddr_in *sin)
{
	struct lk_asn_val *a = lk_asn_get(ta, "ipAddress.ip");
	struct lk_asn_val *p = lk_asn_get(ta, "ipAddress.port");

	if (!a || !p || a->u.str.len != 4)
		return ENOENT;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->u.str.p, 4);
	sin->sin_port = htons((uint16_t)p->u.i);
	return 0;
}

/*
 * Add {id standard N} with no parameters to featureSet.<list> of a RAS
 * body ("supportedFeatures" and so on); H.460.18 is standard 18.
 */
int lk_ras_add_feature(struct lk_asn_arena *ar, struct lk_asn_val *body,
		       const char *list, int64_t standard)
{
	struct lk_asn_val *fs, *l, *id, *std;
	int err;

	fs = lk_asn_get(body, "featureSet");
	if (!fs) {
		fs = lk_asn_set(ar, body, "featureSet");
		if (!fs || !lk_asn_set(ar, fs, "replacementFeatureSet"))
			return EINVAL;
	}
	l = lk_asn_get(fs, list);
	if (!l && !(l = lk_asn_set(ar, fs, list)))
		return EINVAL;
	err = lk_asn_seqof_resize(ar, l, l->u.list.n + 1);
	if (err)
		return err;
	id = lk_asn_set(ar, &l->u.list.v[l->u.list.n - 1], "id");
	std = id ? lk_asn_set(ar, id, "standard") : NULL;
	if (!std)
		return ENOMEM;
	std->u.i = standard;
	return 0;
}

/* Whether any feature list of the body's featureSet names standard N. */
bool lk_ras_has_feature(const struct lk_asn_val *body, int64_t standard)
{
	static const char *const lists[] = { "neededFeatures",
		"desiredFeatures", "supportedFeatures" };
	struct lk_asn_val *fs = lk_asn_get(body, "featureSet");
	size_t i, k;

	for (i = 0; fs && i < NELEM(lists); i++) {
		struct lk_asn_val *l = lk_asn_get(fs, lists[i]);

		for (k = 0; l && k < l->u.list.n; k++) {
			struct lk_asn_val *s;

			s = lk_asn_get(&l->u.list.v[k], "id.standard");
			if (s && s->u.i == standard)
				return true;
		}
	}
	return false;
}

/* One TransportAddress as a SEQUENCE OF with one element: `name`. */
static int set_one_ipv4(struct lk_asn_arena *ar, struct lk_asn_val *body,
			const char *name, const struct sockaddr_in *sin)
{
	struct lk_asn_val *v = lk_asn_set(ar, body, name);

	if (!v || lk_asn_seqof_resize(ar, v, 1))
		return ENOMEM;

	return lk_ras_set_ipv4(ar, &v->u.list.v[0], sin);
}

struct lk_asn_val *lk_ras_rrq_new(struct lk_asn_arena *ar, uint16_t seq,
				  const struct sockaddr_in *csa,
				  const struct sockaddr_in *ras,
				  const char *alias, const char *epid,
				  struct lk_asn_val **bodyp)
{
	struct lk_asn_val *msg, *body, *v, *vendor;

	msg = lk_ras_new(ar, "registrationRequest", seq, &body);
	if (!msg || !csa || !ras || !lk_asn_set(ar, body, "discoveryComplete")
	    || set_one_ipv4(ar, body, "callSignalAddress", csa) ||
	    set_one_ipv4(ar, body, "rasAddress", ras))
		return NULL;
	v = lk_asn_set(ar, body, "terminalType");
	if (!v || !lk_asn_set(ar, v, "mc") ||
	    !lk_asn_set(ar, v, "undefinedNode") ||
	    !lk_asn_set(ar, v, "terminal"))
		return NULL;
	if (alias) {
		v = lk_asn_set(ar, body, "terminalAlias");
		if (!v || lk_asn_seqof_resize(ar, v, 1) ||
		    lk_asn_set_str(ar, lk_asn_set(ar, &v->u.list.v[0],
				   "h323-ID"), alias))
			return NULL;
	}
	vendor = lk_asn_set(ar, lk_asn_set(ar, body, "endpointVendor"),
			    "vendor");
	v = vendor ? lk_asn_set(ar, vendor, "t35CountryCode") : NULL;
	if (!v || !lk_asn_set(ar, vendor, "t35Extension") ||
	    !lk_asn_set(ar, vendor, "manufacturerCode"))
		return NULL;
	v->u.i = 181;			/* T.35: United States */
	if (epid) {
		v = lk_asn_set(ar, body, "keepAlive");
		if (!v || lk_asn_set_str(ar, lk_asn_set(ar, body,
				   "endpointIdentifier"), epid))
			return NULL;
		v->u.i = 1;
	}
	if (bodyp)
		*bodyp = body;

	return msg;
}
