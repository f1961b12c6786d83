// cld2-harness: the reference of tests/bench/langid.sh.  Reads plain text
// lines on stdin and prints, for each, the language CLD2 finds (its top
// three, as langid's alt), one line each: the same work langid -t does.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cld2/public/compact_lang_det.h>

int
main()
{
	char *line = nullptr;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		CLD2::Language l3[3];
		int pct[3], tb;
		bool rel;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		CLD2::Language l = CLD2::DetectLanguageSummary(line, (int)len,
		    true, l3, pct, &tb, &rel);
		printf("%s %s %d %s %d\n", CLD2::LanguageCode(l),
		    CLD2::LanguageCode(l3[1]), pct[1],
		    CLD2::LanguageCode(l3[2]), pct[2]);
	}
	free(line);
	return ferror(stdout) ? 74 : 0;
}
