package ncd.frontend.elab;

import ncd.frontend.ast.Decl;
import ncd.frontend.resolve.ModuleScope;

/** A circuit declaration together with the module it is declared in (whose names its body sees). */
record CircuitRef(Decl.Circuit decl, ModuleScope module) {}
