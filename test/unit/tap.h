/* SPDX-License-Identifier: BSD-3-Clause */
/* Minimal TAP producer for the unit tests (meson test protocol: tap). */
#ifndef VNET_TAP_H
#define VNET_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n;
static int tap_failed;

#define TAP_OK(cond, ...)                                                 \
	do {                                                              \
		int ok_ = !!(cond);                                       \
		printf("%s %d - ", ok_ ? "ok" : "not ok", ++tap_n);       \
		printf(__VA_ARGS__);                                      \
		printf("\n");                                             \
		if (!ok_) {                                               \
			tap_failed++;                                     \
			printf("#   failed: %s (%s:%d)\n", #cond,         \
			       __FILE__, __LINE__);                       \
		}                                                         \
	} while (0)

#define TAP_EQ(a, b, ...)                                                 \
	do {                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);       \
		TAP_OK(a_ == b_, __VA_ARGS__);                            \
		if (a_ != b_)                                             \
			printf("#   got %lld (0x%llx), want %lld (0x%llx)\n", \
			       a_, (unsigned long long)a_, b_,            \
			       (unsigned long long)b_);                   \
	} while (0)

#define TAP_CONTAINS(hay, needle, ...)                                    \
	do {                                                              \
		TAP_OK(strstr((hay), (needle)) != NULL, __VA_ARGS__);     \
		if (strstr((hay), (needle)) == NULL)                      \
			printf("#   \"%s\" not in \"%s\"\n", (needle), (hay)); \
	} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
