/* tests/unit/call/test_route.c  Dial plan globs, first-match order, local domains. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "call/route.h"

static bool glob(const char *pattern, const char *s)
{
	return lk_route_glob(pattern, s, strlen(s));
}

static void conf_from(struct lk_conf *c, const char *text)
{
	struct lk_conf_diag diag;

	if (lk_conf_parse(c, "t", text, strlen(text), &diag)) {
		lk_conf_diag_print(&diag, stderr);
		fail();
	}
}

static void literal_and_case(void **state)
{
	assert_true(glob("alice@example.com", "alice@example.com"));
	assert_true(glob("Alice@EXAMPLE.com", "aLICE@example.COM"));
	assert_false(glob("alice@example.com", "alice@example.co"));
	assert_false(glob("alice@example.co", "alice@example.com"));
	assert_true(glob("", ""));
	assert_false(glob("", "a"));
	assert_false(glob("a", ""));
}

static void star_matches_any_run(void **state)
{
	assert_true(glob("*", ""));
	assert_true(glob("*", "anything@at.all"));
	assert_true(glob("**", ""));
	assert_true(glob("*@*", "@"));
	assert_true(glob("*@*", "u@h"));
	assert_false(glob("*@*", "no-at-sign"));
	assert_true(glob("*@external.example", "@external.example"));
	assert_true(glob("*@external.example", "bob@external.example"));
	assert_false(glob("*@external.example", "bob@external.example.org"));
	assert_false(glob("*@external.example", "bob@sub.external.examplx"));
	assert_true(glob("*.example", "a.b.c.example"));
	assert_true(glob("a*b*c", "abc"));
	assert_true(glob("a*b*c", "a-b-b-c-c"));
	assert_false(glob("a*b*c", "a-b-b-c-d"));
	/* The last '*' must back up more than once. */
	assert_true(glob("*ab", "aaab"));
	assert_true(glob("*aab*", "xaaxaaab"));
	assert_false(glob("*aab*", "xaaxaaxb"));
	assert_true(glob("a*", "a"));
	assert_false(glob("a*", "ba"));
}

static void question_mark_is_one_character(void **state)
{
	assert_true(glob("1???@*", "1234@internal.example"));
	assert_false(glob("1???@*", "123@internal.example"));
	assert_false(glob("1???@*", "12345@internal.example"));
	assert_false(glob("1???@*", "2234@internal.example"));
	assert_true(glob("?", "@"));
	assert_false(glob("?", ""));
	assert_true(glob("?*", "x"));
	assert_false(glob("?*", ""));
	assert_true(glob("*?", "x"));
	assert_true(glob("?@?", "a@b"));
}

/* The subject is a length, not a C string: no reading past it. */
static void subject_is_counted(void **state)
{
	const char s[] = "alice@example.comXYZ";

	assert_true(lk_route_glob("alice@example.com", s, 17));
	assert_false(lk_route_glob("alice@example.comX", s, 17));
	assert_true(lk_route_glob("*", s, 0));
	assert_true(lk_route_glob("", NULL, 0));
	assert_false(lk_route_glob(NULL, s, 3));
	assert_false(lk_route_glob("*", NULL, 3));
	/* A NUL inside the subject is a character like any other. */
	assert_true(lk_route_glob("a?b", "a\0b", 3));
	assert_false(lk_route_glob("ab", "a\0b", 3));
}

/*
 * Patterns that make a naive recursive matcher take exponential time:
 * "*a*a*a...*b" against a long run of 'a'.  Iterative with one backtrack
 * point, this is at most pattern * subject steps.
 */
static void pathological_patterns_are_fast(void **state)
{
	char pattern[128], *subject;
	size_t i, n = 100000;

	for (i = 0; i + 2 < sizeof(pattern) - 1; i += 2) {
		pattern[i] = '*';
		pattern[i + 1] = 'a';
	}
	pattern[i] = 'b';
	pattern[i + 1] = '\0';
	subject = malloc(n + 1);
	assert_non_null(subject);
	memset(subject, 'a', n);
	subject[n] = '\0';

	assert_false(lk_route_glob(pattern, subject, n));
	subject[n - 1] = 'b';
	assert_true(lk_route_glob(pattern, subject, n));
	subject[n - 1] = 'a';
	assert_false(lk_route_glob("*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?b",
				   subject, n));
	assert_true(lk_route_glob("*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?a",
				  subject, n));
	/*
	 * No clock here (shared machines are noisy): ~128 * 100000 steps
	 * each, while an exponential matcher would not finish within the
	 * ctest timeout, which is what fails then.
	 */
	free(subject);
}

static void first_matching_route_wins(void **state)
{
	static struct lk_conf c;
	const struct lk_route_conf *r;

	conf_from(&c, "[Zones]\nTraversal zone count = 2\n"
		  "[Dial plan]\n"
		  "Route 9 = *@* host 192.0.2.99\n"
		  "Route 3 = 1???@* host 192.0.2.10:5070 tcp\n"
		  "Route 1 = *@external.example zone 1\n"
		  "Route 2 = *@*.external.example zone 2\n");

	r = lk_route_find(&c, "bob", 3, "External.Example", 16);
	assert_non_null(r);
	assert_int_equal(1, r->number);
	assert_int_equal(LK_ROUTE_ZONE, r->kind);
	assert_int_equal(1, r->zone);

	/* 1234@external.example matches 1, 3 and 9: the lowest N wins. */
	r = lk_route_find(&c, "1234", 4, "external.example", 16);
	assert_int_equal(1, r->number);

	r = lk_route_find(&c, "bob", 3, "lab.external.example", 20);
	assert_int_equal(2, r->number);

	r = lk_route_find(&c, "1234", 4, "internal.example", 16);
	assert_int_equal(3, r->number);
	assert_int_equal(LK_ROUTE_HOST, r->kind);
	assert_string_equal("192.0.2.10", r->host);
	assert_int_equal(5070, r->port);
	assert_int_equal(LK_ROUTE_TCP, r->transport);

	r = lk_route_find(&c, "12345", 5, "internal.example", 16);
	assert_int_equal(9, r->number);

	/* No user part: "@host". */
	r = lk_route_find(&c, NULL, 0, "external.example", 16);
	assert_int_equal(1, r->number);
	r = lk_route_find(&c, "", 0, "x", 1);
	assert_int_equal(9, r->number);

	/* Counted strings: the rest of the buffer is not looked at. */
	r = lk_route_find(&c, "bobXX", 3, "external.exampleXX", 16);
	assert_int_equal(1, r->number);
	assert_null(lk_route_find_h323(&c, "bob", 3, "x", 1));
}

/* H.323 hosts' routes are the H.323 side's only, in their own order. */
static void h323_routes_are_apart(void **state)
{
	static struct lk_conf c;
	const struct lk_route_conf *r;

	(void)state;
	conf_from(&c, "[Dial plan]\n"
		  "Route 1 = 2???@* host 192.0.2.20 h323\n"
		  "Route 2 = *@* host 192.0.2.99\n"
		  "Route 3 = *@* host 192.0.2.30:1820 H323\n");
	assert_int_equal(1720, c.routes[0].port);
	assert_int_equal(LK_ROUTE_H323, c.routes[0].transport);
	assert_string_equal("h323",
			    lk_conf_route_transport_name(c.routes[2].transport));

	r = lk_route_find(&c, "2000", 4, "", 0);
	assert_int_equal(2, r->number);
	r = lk_route_find_h323(&c, "2000", 4, "", 0);
	assert_int_equal(1, r->number);
	r = lk_route_find_h323(&c, "bob", 3, "example.com", 11);
	assert_int_equal(3, r->number);
	assert_int_equal(1820, r->port);
}

static void no_route_matches(void **state)
{
	static struct lk_conf c;

	conf_from(&c, "[Dial plan]\nRoute 1 = *@external.example zone 1\n");
	assert_null(lk_route_find(&c, "bob", 3, "internal.example", 16));
	assert_null(lk_route_find(&c, "bob", 3, "external.exampl", 15));
	assert_null(lk_route_find(NULL, "bob", 3, "external.example", 16));

	conf_from(&c, "");
	assert_int_equal(0, c.nroutes);
	assert_null(lk_route_find(&c, "bob", 3, "external.example", 16));
}

static void local_domains(void **state)
{
	static struct lk_conf c;

	conf_from(&c, "");
	assert_string_equal("*", c.reg_domain);
	assert_true(lk_route_local_domain(&c, "anything.example", 16));
	assert_true(lk_route_local_domain(&c, "", 0));

	conf_from(&c, "[Registrar]\nDomain = internal.example, "
		  "Lab.Example ,192.0.2.2,[2001:db8::2]\n");
	assert_true(lk_route_local_domain(&c, "internal.example", 16));
	assert_true(lk_route_local_domain(&c, "INTERNAL.example", 16));
	assert_true(lk_route_local_domain(&c, "lab.example", 11));
	assert_true(lk_route_local_domain(&c, "192.0.2.2", 9));
	assert_true(lk_route_local_domain(&c, "[2001:db8::2]", 13));
	/* Whole names only: no prefixes, suffixes or subdomains. */
	assert_false(lk_route_local_domain(&c, "internal.exampl", 15));
	assert_false(lk_route_local_domain(&c, "internal.example.org", 20));
	assert_false(lk_route_local_domain(&c, "sub.internal.example", 20));
	assert_false(lk_route_local_domain(&c, "192.0.2.22", 10));
	assert_false(lk_route_local_domain(&c, "", 0));
	assert_false(lk_route_local_domain(&c, NULL, 0));
	assert_false(lk_route_local_domain(&c, NULL, 3));
	/* Counted: "lab.example" within a longer buffer. */
	assert_true(lk_route_local_domain(&c, "lab.exampleXYZ", 11));
	assert_false(lk_route_local_domain(NULL, "lab.example", 11));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_and_case),
		cmocka_unit_test(star_matches_any_run),
		cmocka_unit_test(question_mark_is_one_character),
		cmocka_unit_test(subject_is_counted),
		cmocka_unit_test(pathological_patterns_are_fast),
		cmocka_unit_test(first_matching_route_wins),
		cmocka_unit_test(h323_routes_are_apart),
		cmocka_unit_test(no_route_matches),
		cmocka_unit_test(local_domains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
