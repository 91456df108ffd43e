#ifndef TAMBON_CLIBXML2_SHIM_H
#define TAMBON_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, whose headers clash with the copy of ICU inside Swift's Foundation. Nothing
// here touches libxml2's ICU converter fields (reached only through pointers), so its ICU parts are left out.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#endif
